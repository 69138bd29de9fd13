package net.v6broker.doctor;

import net.v6broker.error.InvalidInputException;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import net.v6broker.config.Validation;

/**
 * The tunnel doctor of a client machine: the checks of the sanity-check.sh in every client archive,
 * in Java, with the same lines, the same fixes and the same exit status, so that a user with Java
 * and a user with only {@code sh} get one diagnosis. Read-only: it runs {@code openvpn --version},
 * {@code ip -6 ... show}, {@code ip -6 route get} and {@code ping}, reads /proc and /sys, and changes
 * nothing. It sends nothing but two pings to the server through the tunnel and two to the global
 * address given as {@code probe}.
 *
 * <p>The checks, in order: openvpn installed (2.5 or later); an openvpn process; the clock against
 * the certificate's start; the certificate's expiry; the tunnel address on an interface; that
 * interface up with an MTU of at least 1280; IPv6 routed into the tunnel; for a subnet client,
 * forwarding on and the LAN address on the LAN interface; the server's transfer address answering
 * ping; a global address answering through the tunnel. A check whose premise failed is skipped
 * rather than failed again.
 *
 * <p>Stateless apart from its inputs; thread-safe if the machine is.
 */
public final class Doctor {
    /** A global unicast address inside 2000::/3 and 2000::/4: where would it go? */
    static final String ROUTE_PROBE = "2000::1";
    /** IPv6's minimum link MTU (RFC 8200). */
    static final int MIN_MTU = 1280;
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final String INSTALL_FIX = "install OpenVPN 2.6: sudo apt install openvpn (Debian, Ubuntu), "
            + "brew install openvpn or Tunnelblick (macOS)";

    private final Machine machine;

    public Doctor(Machine machine) {
        this.machine = Objects.requireNonNull(machine, "machine");
    }

    /** What the doctor found: the header line, one finding per check. */
    public record Report(String header, List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        public long failures() {
            return findings.stream().filter(f -> f.verdict() == Finding.Verdict.FAIL).count();
        }

        /** Every line as sanity-check.sh prints it, the summary last. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add(header);
            findings.forEach(f -> out.add(f.line()));
            out.add(failures() == 0 ? "all checks passed" : failures() + " check(s) failed");
            return out;
        }

        /** 0 when nothing failed, 1 otherwise (sanity-check.sh's exit status). */
        public int exitCode() {
            return failures() == 0 ? 0 : 1;
        }
    }

    /**
     * Checks the machine against the manifest.
     *
     * @param probe a global IPv6 address to ping through the tunnel, or null to skip that check
     */
    public Report examine(Manifest m, String probe) {
        String target = probe == null ? null : probe(probe);
        List<Finding> f = new ArrayList<>();
        f.add(openvpnInstalled());
        f.add(machine.processNames().stream().map(Doctor::baseName).anyMatch("openvpn"::equals)
                ? Finding.ok("an openvpn process is running")
                : Finding.fail("no openvpn process is running",
                        "start the tunnel: sudo openvpn --config " + m.name() + ".ovpn (in the folder of this script)"));
        Instant now = machine.now();
        f.add(clock(m, now));
        f.add(expiry(m, now));

        String tunnel = m.tunnelIp() + "/" + m.tunnelLength();
        String dev = tunnelDevice(m);
        f.add(dev != null
                ? Finding.ok("tunnel address " + tunnel + " is on " + dev)
                : Finding.fail("no interface carries the tunnel address " + tunnel, "start the tunnel (sudo openvpn --config "
                        + m.name() + ".ovpn in the folder of this script); if it runs, look in its log for errors after "
                        + "'Initialization Sequence Completed'"));
        f.add(state(m, dev));

        String via = routeDevice(ROUTE_PROBE);
        boolean routed = via != null && (via.equals(dev) || (dev == null && (via.startsWith("tun") || via.startsWith("utun"))));
        String routes = String.join(" ", m.routes());
        f.add(routed
                ? Finding.ok("IPv6 traffic (" + routes + ") goes through the tunnel (" + via + ")")
                : Finding.fail("IPv6 traffic to " + ROUTE_PROBE + " goes through '" + (via == null ? "nothing" : via)
                        + "', not the tunnel" + (dev == null ? "" : " " + dev), "the routes " + routes
                        + " come from the tunnel: reconnect, or add each by hand (sudo ip -6 route add ROUTE dev "
                        + (dev == null ? "tun0" : dev) + "); look for ROUTE6 errors in the OpenVPN log"));

        if (m.subnet()) {
            String fwd = machine.read(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")).map(String::strip).orElse("");
            f.add(fwd.equals("1") ? Finding.ok("IPv6 forwarding is on")
                    : Finding.fail("IPv6 forwarding is off", "turn it on: sudo sysctl -w net.ipv6.conf.all.forwarding=1 "
                            + "(up.sh does it when OpenVPN runs it from this folder)"));
            boolean lan = machine.output(List.of("ip", "-6", "addr", "show", "dev", m.lanInterface()))
                    .map(out -> out.contains("inet6 " + m.lanAddress() + " ")).orElse(false);
            f.add(lan ? Finding.ok("LAN address " + m.lanAddress() + " is on " + m.lanInterface())
                    : Finding.fail(m.lanInterface() + " does not carry " + m.lanAddress(), "add it: sudo ip -6 addr add "
                            + m.lanAddress() + " dev " + m.lanInterface() + " (up.sh does it); if your LAN interface is not "
                            + m.lanInterface() + ", export the profile again with --lan-if"));
            String loopProbe = m.loopProbe();
            if (loopProbe != null) {
                String lvia = routeDevice(loopProbe);
                boolean loops = lvia != null && (lvia.equals(dev) || lvia.startsWith("tun") || lvia.startsWith("utun"));
                f.add(loops ? Finding.fail("traffic for the unused /64s of " + m.prefix() + " (to " + loopProbe + ") goes back into "
                                + "the tunnel (" + lvia + "): it loops between here and the server",
                                "sudo ip -6 route add unreachable " + m.prefix() + " (up.sh does it)")
                        : Finding.ok("traffic for the unused /64s of " + m.prefix() + " stops here, not back into the tunnel"));
            }
        }

        String server = m.serverAddress().startsWith("fe80:") && dev != null ? m.serverAddress() + "%" + dev : m.serverAddress();
        boolean pong = machine.succeeds(List.of("ping", "-6", "-c", "2", "-W", "2", server));
        f.add(pong ? Finding.ok("the server answers ping at " + server)
                : Finding.fail("no answer from " + server + " through the tunnel", "if the checks above pass, the server or "
                        + "the way to it is down: is UDP port " + m.serverPort() + " to " + m.serverHost() + " blocked, does the "
                        + "OpenVPN log say 'Inactivity timeout'? Does a firewall drop ICMPv6 on the tunnel interface?"));

        if (target == null) {
            f.add(Finding.skip("a global address through the tunnel: none given (sh sanity-check.sh --probe ADDRESS)"));
        } else if (!routed || !pong) {
            f.add(Finding.skip("a global address through the tunnel: not tried, the checks above failed"));
        } else if (machine.succeeds(List.of("ping", "-6", "-c", "2", "-W", "2", "-I", dev == null ? via : dev, target))) {
            f.add(Finding.ok(target + " answers through the tunnel (" + (dev == null ? via : dev) + ")"));
        } else {
            f.add(Finding.fail("no answer from " + target + " through the tunnel, though the server answers", "the tunnel "
                    + "works up to the server, which must forward IPv6 and route it on: tell the broker's operator (or is "
                    + target + " down?)"));
        }
        return new Report("v6broker sanity check for " + m.name() + " (server " + m.serverHost() + ", UDP port "
                + m.serverPort() + ")", f);
    }

    private Finding openvpnInstalled() {
        if (!machine.installed("openvpn")) {
            return Finding.fail("openvpn is not installed (not on PATH)", INSTALL_FIX);
        }
        String version = machine.output(List.of("openvpn", "--version")).map(o -> o.lines().findFirst().orElse("")).orElse("");
        String[] words = version.strip().split("\\s+");
        String v = words.length > 1 ? words[1] : "";
        int dot = v.indexOf('.');
        if (dot < 0) {
            return Finding.ok("openvpn installed: " + version);
        }
        String major = v.substring(0, dot);
        String rest = v.substring(dot + 1);
        String minor = rest.indexOf('.') < 0 ? rest : rest.substring(0, rest.indexOf('.'));
        if (!(major + minor).matches("[0-9]+") || major.isEmpty() || minor.isEmpty()) {
            return Finding.ok("openvpn installed: " + version);
        }
        int ma = Integer.parseInt(major);
        int mi = Integer.parseInt(minor);
        if (ma < 2 || (ma == 2 && mi < 5)) {
            return Finding.fail("openvpn " + v + " is too old for this profile (it needs 2.5 or later)", INSTALL_FIX);
        }
        return Finding.ok("openvpn installed: " + version);
    }

    private static Finding clock(Manifest m, Instant now) {
        if (m.notBefore() == null) {
            return Finding.skip("the clock: no certificate dates to compare it with");
        }
        if (now.getEpochSecond() < m.notBefore().getEpochSecond()) {
            return Finding.fail("the clock is behind: it is before " + m.notBefore() + ", when the certificate became valid, "
                    + "so OpenVPN refuses it as not yet valid", "set the clock: sudo timedatectl set-ntp true (or sudo date -s "
                    + "'YYYY-MM-DD HH:MM:SS')");
        }
        return Finding.ok("the clock is past the certificate's start (" + m.notBefore() + ")");
    }

    private static Finding expiry(Manifest m, Instant now) {
        long left = m.notAfter().getEpochSecond() - now.getEpochSecond();
        if (left <= 0) {
            return Finding.fail("the certificate expired at " + m.notAfter(), "ask the broker's operator for a renewed profile "
                    + "(v6broker client renew " + m.name() + ", then export it again); if 'date' shows a wrong time, set the "
                    + "clock instead");
        }
        // rounded to the nearest day: a count that changes at mid-life of a day, not at the second the
        // certificate was issued, so two runs right after an export agree (and Java agrees with sh)
        long days = (left + 43200) / 86400;
        return Finding.ok("the certificate is valid until " + m.notAfter() + " (" + days + " days left"
                + (days < 30 ? ": ask for a renewal soon)" : ")"));
    }

    /** The interface carrying the tunnel address, as {@code ip -6 -o addr show} lists it; null if none. */
    private String tunnelDevice(Manifest m) {
        String out = machine.output(List.of("ip", "-6", "-o", "addr", "show")).orElse("");
        IPAddress want = new IPAddressString(m.tunnelAddress()).getAddress();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[2].equals("inet6")) {
                IPAddress have = new IPAddressString(f[3]).getAddress();
                if (have != null && have.equals(want) && Objects.equals(have.getNetworkPrefixLength(), want.getNetworkPrefixLength())) {
                    return f[1];
                }
            }
        }
        return null;
    }

    private Finding state(Manifest m, String dev) {
        if (dev == null) {
            return Finding.skip("the tunnel interface's state: no interface carries the tunnel address");
        }
        if (!INTERFACE.matcher(dev).matches() || dev.matches("\\.+")) {
            return Finding.skip("the state of " + dev + ": it cannot be read");
        }
        String flags = machine.read(Path.of("/sys/class/net", dev, "flags")).map(String::strip).orElse("");
        String mtu = machine.read(Path.of("/sys/class/net", dev, "mtu")).map(String::strip).orElse("");
        if (!flags.matches("0x[0-9A-Fa-f]+") || !mtu.matches("[0-9]+")) {
            return Finding.skip("the state of " + dev + ": it cannot be read");
        }
        if ((Long.parseLong(flags.substring(2), 16) & 1) == 0) {
            return Finding.fail(dev + " is down", "bring it up: sudo ip link set " + dev + " up (or reconnect OpenVPN)");
        }
        if (Long.parseLong(mtu) < MIN_MTU) {
            return Finding.fail(dev + " has MTU " + mtu + ", below IPv6's minimum of " + MIN_MTU, "remove tun-mtu from "
                    + m.name() + ".ovpn (or raise it to " + MIN_MTU + " or more) and reconnect");
        }
        return Finding.ok(dev + " is up, MTU " + mtu);
    }

    /** The device {@code ip -6 route get} names for an address; null when none. */
    private String routeDevice(String address) {
        String out = machine.output(List.of("ip", "-6", "route", "get", address)).orElse("");
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("dev")) {
                    return f[i + 1];
                }
            }
        }
        return null;
    }

    /** A probe address: a plain IPv6 address, as {@code ping} prints it. */
    static String probe(String text) {
        IPAddress a = new IPAddressString(text == null ? "" : text).getAddress();
        if (a == null || !a.isIPv6() || a.getNetworkPrefixLength() != null) {
            throw new InvalidInputException("--probe " + Validation.quote(text) + " is not an IPv6 address: give a global "
                    + "address that should answer through the tunnel, such as the broker's router");
        }
        return text;
    }

    /** A command name without its path, as sanity-check.sh compares {@code ps}'s. */
    private static String baseName(String comm) {
        return comm.substring(comm.lastIndexOf('/') + 1);
    }
}
