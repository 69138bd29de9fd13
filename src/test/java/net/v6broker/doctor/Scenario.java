package net.v6broker.doctor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One state of a client machine, told twice: as a {@link Machine} for the Java doctor, and as
 * stand-ins for openvpn, ps, ip, cat, ping and uname on the PATH of sanity-check.sh. Both doctors
 * see the same machine, so their reports must be the same. Not thread-safe: a mutable builder.
 */
final class Scenario {
    String version = "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]";
    boolean running = true;
    /** The tunnel address line's interface; null: no interface carries it. */
    String tunnelDevice = "tun0";
    String tunnelAddress;
    String flags = "0x1091";
    String mtu = "1500";
    /** Where {@code ip -6 route get 2000::1} leads; null: unreachable. */
    String routeDevice = "tun0";
    /** Where {@code ip -6 route get} of the manifest's loop probe leads; null: unreachable (up.sh's route). */
    String loopDevice;
    /** The manifest's loop probe (an unused /64 of a prefix larger than a /64); null: none. */
    String loopProbe;
    String forwarding = "1";
    String lanInterface = "lan0";
    /** The LAN address as {@code ip} shows it; null: absent. */
    String lanAddress;
    String serverTarget;
    boolean serverAnswers = true;
    String probe;
    boolean probeAnswers = true;
    Instant now = Instant.now();

    /** A healthy subnet client of {@link ClientArchive}. */
    static Scenario healthySubnet(Manifest m) {
        Scenario s = new Scenario();
        s.tunnelAddress = m.tunnelAddress();
        s.lanAddress = m.lanAddress();
        s.lanInterface = m.lanInterface();
        s.serverTarget = m.serverAddress();
        s.loopProbe = m.loopProbe();
        return s;
    }

    String addrShow() {
        return tunnelDevice == null ? "2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever\n"
                : "5: " + tunnelDevice + "    inet6 " + tunnelAddress + " scope global \\       valid_lft forever preferred_lft forever\n"
                        + "5: " + tunnelDevice + "    inet6 fe80::9/64 scope link stable-privacy \\       valid_lft forever preferred_lft forever\n";
    }

    String routeGet() {
        return routeDevice == null ? "" : "2000::1 from :: via 2001:db8:abba:f100::1 dev " + routeDevice + " proto static src "
                + tunnelAddress.substring(0, tunnelAddress.indexOf('/')) + " metric 1024 pref medium\n";
    }

    String loopGet() {
        return loopDevice == null ? "" : loopProbe + " from :: via 2001:db8:abba:f100::1 dev " + loopDevice + " proto static metric 1024 pref medium\n";
    }

    String lanShow() {
        return "3: " + lanInterface + ": <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP qlen 1000\n"
                + (lanAddress == null ? "" : "    inet6 " + lanAddress + " scope global \n       valid_lft forever preferred_lft forever\n")
                + "    inet6 fe80::2/64 scope link \n       valid_lft forever preferred_lft forever\n";
    }

    /** The Java doctor's view of this machine. */
    Machine machine() {
        return new Machine() {
            @Override
            public boolean installed(String program) {
                return program.equals("openvpn") && version != null;
            }

            @Override
            public Optional<String> output(List<String> command) {
                String c = String.join(" ", command);
                if (c.equals("openvpn --version")) {
                    return Optional.of(version + "\nlibrary versions: OpenSSL 3.0\n");
                } else if (c.equals("ip -6 -o addr show")) {
                    return Optional.of(addrShow());
                } else if (c.equals("ip -6 route get 2000::1")) {
                    return Optional.of(routeGet());
                } else if (c.equals("ip -6 addr show dev " + lanInterface)) {
                    return Optional.of(lanShow());
                } else if (loopProbe != null && c.equals("ip -6 route get " + loopProbe)) {
                    return loopDevice == null ? Optional.empty() : Optional.of(loopGet());
                }
                throw new AssertionError("the doctor ran an unexpected command: " + c);
            }

            @Override
            public boolean succeeds(List<String> command) {
                String target = command.get(command.size() - 1);
                if (!command.get(0).equals("ping")) {
                    throw new AssertionError("the doctor ran an unexpected command: " + command);
                }
                return target.equals(serverTarget) ? serverAnswers : target.equals(probe) && probeAnswers;
            }

            @Override
            public Optional<String> read(Path file) {
                String f = file.toString();
                if (f.equals("/proc/sys/net/ipv6/conf/all/forwarding")) {
                    return Optional.of(forwarding + "\n");
                } else if (tunnelDevice != null && f.equals("/sys/class/net/" + tunnelDevice + "/flags")) {
                    return Optional.ofNullable(flags).map(v -> v + "\n");
                } else if (tunnelDevice != null && f.equals("/sys/class/net/" + tunnelDevice + "/mtu")) {
                    return Optional.ofNullable(mtu).map(v -> v + "\n");
                }
                throw new AssertionError("the doctor read an unexpected file: " + f);
            }

            @Override
            public List<String> processNames() {
                List<String> names = new ArrayList<>(List.of("systemd", "sshd", "bash"));
                if (running) {
                    names.add("openvpn");
                }
                return names;
            }

            @Override
            public Instant now() {
                return now;
            }
        };
    }

    /** Writes stand-ins for the programs sanity-check.sh runs into {@code bin}; PATH must list only bin, /usr/bin and /bin. */
    void writeStubs(Path bin) {
        stub(bin, "uname", "echo Linux");
        if (version != null) {
            stub(bin, "openvpn", "printf '%s\\n' '" + version + "' 'library versions: OpenSSL 3.0'; exit 1");
        }
        stub(bin, "ps", "printf '%s\\n' systemd sshd bash" + (running ? " /usr/sbin/openvpn" : ""));
        stub(bin, "ip", "case \"$*\" in\n"
                + "  '-6 -o addr show') printf '%s' '" + addrShow() + "' ;;\n"
                + "  '-6 route get 2000::1') printf '%s' '" + routeGet() + "'; " + (routeDevice == null ? "exit 2" : "true") + " ;;\n"
                + "  '-6 addr show dev " + lanInterface + "') printf '%s' '" + lanShow() + "' ;;\n"
                + (loopProbe == null ? "" : "  '-6 route get " + loopProbe + "') printf '%s' '" + loopGet() + "'; "
                        + (loopDevice == null ? "echo 'RTNETLINK answers: Network is unreachable' >&2; exit 2" : "true") + " ;;\n")
                + "  *) echo \"unexpected ip $*\" >&2; exit 2 ;;\n"
                + "esac");
        stub(bin, "cat", "case \"$1\" in\n"
                + "  /proc/sys/net/ipv6/conf/all/forwarding) echo " + forwarding + " ;;\n"
                + (tunnelDevice == null ? "" : "  /sys/class/net/" + tunnelDevice + "/flags) " + (flags == null ? "exit 1" : "echo " + flags) + " ;;\n"
                        + "  /sys/class/net/" + tunnelDevice + "/mtu) " + (mtu == null ? "exit 1" : "echo " + mtu) + " ;;\n")
                + "  *) echo \"unexpected cat $*\" >&2; exit 1 ;;\n"
                + "esac");
        stub(bin, "date", "echo " + now.getEpochSecond());
        stub(bin, "ping", "for last; do :; done\n"
                + "[ \"$last\" = '" + serverTarget + "' ] && exit " + (serverAnswers ? 0 : 1) + "\n"
                + (probe == null ? "" : "[ \"$last\" = '" + probe + "' ] && exit " + (probeAnswers ? 0 : 1) + "\n")
                + "exit 1");
    }

    private static void stub(Path bin, String name, String body) {
        try {
            Files.createDirectories(bin);
            Path f = bin.resolve(name);
            Files.writeString(f, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
