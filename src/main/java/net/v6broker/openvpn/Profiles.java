package net.v6broker.openvpn;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import net.v6broker.broker.Client;
import net.v6broker.ca.CaException;
import net.v6broker.ca.Pem;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.config.Home;
import net.v6broker.client.ClientOs;

/**
 * Renders what a client gets: the inline {@code .ovpn} profile for either layout, the LAN up script
 * of a subnet client (sh for Linux and macOS, cmd for Windows), README.txt, manifest.json and the
 * read-only sanity-check.sh. Pure: values in, text out. The e-mail address appears only in the
 * README and the manifest, never in a file OpenVPN or a shell reads. Stateless, thread-safe.
 */
final class Profiles {
    /** The CN of the server certificate {@code init} issues. */
    static final String SERVER_NAME = "server";
    /** The tun device of an OpenWrt profile, which network.uci's interface names. */
    static final String OPENWRT_DEVICE = "v6b0";
    /** The UCI name of an OpenWrt profile's interface, firewall zone and openvpn instance. */
    static final String OPENWRT_NAME = "v6broker";
    /**
     * Seconds a profile waits for the UDP server's answer before it tries TCP (OpenVPN's default is
     * 120): long enough for a handshake over a slow link, short enough that a hotel's blocked UDP
     * costs a few seconds (docs/decisions.md, 24).
     */
    static final int UDP_CONNECT_TIMEOUT = 5;
    /** Seconds a profile waits for the TCP server. */
    static final int TCP_CONNECT_TIMEOUT = 10;
    /** A global unicast address inside both 2000::/3 and 2000::/4: the route check asks where it would go. */
    static final String ROUTE_PROBE = "2000::1";

    private Profiles() {
    }

    /** The client's private credentials and the site's public ones, as PEM / static-key text. */
    /**
     * @param controlKey the client's own tls-crypt-v2 key, or (a profile of a home's v1 migration,
     *                   or a test) the shared tls-crypt static key; the profile's block follows its kind
     */
    record Keys(String caCertificate, String certificate, String privateKey, String controlKey) {
        Keys {
            Safe.block("ca", caCertificate);
            Safe.block("cert", certificate);
            Safe.block("key", privateKey);
            Safe.block("tls-crypt", controlKey);
        }

        boolean v2() {
            return controlKey.contains("-----BEGIN OpenVPN tls-crypt-v2 client key-----");
        }
    }

    /**
     * The inline profile. {@code upScript} is null for a standalone profile, or the up script's file
     * name next to it in an archive ({@code up.sh}, {@code up.cmd}).
     */
    static String ovpn(Site site, Tunnel tun, Keys keys, String upScript, ClientOs os, boolean noTlsCrypt) {
        boolean openwrt = os == ClientOs.OPENWRT;
        ConfigText t = new ConfigText()
                .comment(ServerConfigs.MARK + " for client " + tun.name() + " (" + tun.type().name().toLowerCase(java.util.Locale.ROOT)
                        + " " + tun.prefix() + ", " + tun.layout().cliName() + " layout).")
                .comment("Start: sudo openvpn --config " + tun.name() + ".ovpn   (keep this file private: it holds your key)");
        if (tun.layout() == Layout.SHARED) {
            t.directive("client");
            device(t, openwrt);
            List<String[]> servers = new java.util.ArrayList<>();
            servers.add(new String[] {tun.host(), String.valueOf(tun.port())});
            for (var node : site.otherNodes()) {
                servers.add(new String[] {Safe.token("node host", node.host()), String.valueOf(node.port())});
            }
            if (noTlsCrypt) {
                t.comment("WITHOUT tls-crypt, for a client that lacks it: the broker's instance on UDP "
                        + site.openvpn().compatPort() + " (docs/compatibility.md)")
                        .directive("proto", "udp");
                for (String[] server : servers) {
                    t.directive("remote", server[0], site.openvpn().compatPort());
                }
                t.directive("explicit-exit-notify", 1);
            } else if (site.openvpn().tcpFallback()) {
                t.comment("UDP first; where UDP does not get through (a hotel, a firewall), TCP " + site.openvpn().tcpPort()
                        + " after " + UDP_CONNECT_TIMEOUT + " s, with the same addresses");
                for (String[] server : servers) {
                    t.inline("connection", new ConfigText()
                            .directive("remote", server[0], server[1], "udp")
                            .directive("connect-timeout", UDP_CONNECT_TIMEOUT)
                            .directive("explicit-exit-notify", 1).toString());
                }
                for (String[] server : servers) {
                    t.inline("connection", new ConfigText()
                            .directive("remote", server[0], site.openvpn().tcpPort(), "tcp-client")
                            .directive("connect-timeout", TCP_CONNECT_TIMEOUT).toString());
                }
            } else {
                t.directive("proto", "udp");
                for (String[] server : servers) {
                    t.directive("remote", server[0], server[1]);
                }
                if (servers.size() > 1) {
                    t.comment("every tunnel server of the broker serves every client with the same addresses: pick one at random")
                            .directive("remote-random");
                }
                t.directive("explicit-exit-notify", 1);
            }
            t.directive("nobind")
                    .directive("persist-key")
                    .directive("remote-cert-tls", "server")
                    .directive("verify-x509-name", SERVER_NAME, "name")
                    .directive("data-ciphers", ServerConfigs.CIPHERS)
                    .directive("connect-retry", 1, 10);
        } else {
            t.comment("point-to-point: this client's own server instance; addresses and routes are set here, nothing is pulled");
            device(t, openwrt);
            t.directive("proto", "udp")
                    .directive("remote", tun.host(), tun.port())
                    .directive("nobind")
                    .directive("tls-client")
                    .directive("remote-cert-tls", "server")
                    .directive("verify-x509-name", SERVER_NAME, "name")
                    .directive("data-ciphers", ServerConfigs.CIPHERS)
                    .directive("keepalive", 10, 60)
                    .directive("explicit-exit-notify", 1)
                    .directive("persist-key")
                    .directive("ifconfig-ipv6", tun.tunnelAddress(), tun.serverAddress());
            if (site.redirectAll()) {
                t.constant("redirect-gateway ipv6 !ipv4");
            } else {
                t.directive("route-ipv6", site.openvpn().route());
            }
        }
        if (upScript != null) {
            t.comment("turns this machine into the router of " + tun.prefix() + " (see README.txt)")
                    .directive("script-security", 2)
                    .directive("up", upScript);
        }
        if (openwrt) {
            t.comment("OpenWrt's netifd gives " + OPENWRT_DEVICE + " its addresses and routes (network.uci): OpenVPN only opens it")
                    .directive("ifconfig-noexec")
                    .directive("route-noexec");
        }
        t.directive("verb", 3)
                .inline("ca", keys.caCertificate())
                .inline("cert", keys.certificate())
                .inline("key", keys.privateKey());
        if (!noTlsCrypt) {
            t.inline(keys.v2() ? "tls-crypt-v2" : "tls-crypt", keys.v2() ? keys.controlKey() : staticKeyOnly(keys.controlKey()));
        }
        return t.toString();
    }

    /** The tun device: OpenVPN's next free one, or on OpenWrt the one the UCI interface names. */
    private static void device(ConfigText t, boolean openwrt) {
        if (openwrt) {
            t.directive("dev", OPENWRT_DEVICE).directive("dev-type", "tun");
        } else {
            t.directive("dev", "tun");
        }
    }

    /** The static key from its BEGIN line to its END line, without the comment header. */
    static String staticKeyOnly(String key) {
        int begin = key.indexOf("-----BEGIN OpenVPN Static key V1-----");
        String end = "-----END OpenVPN Static key V1-----";
        int stop = key.indexOf(end);
        if (begin < 0 || stop < begin) {
            throw new UnsafeValueException("the tls-crypt key is not an OpenVPN static key (no BEGIN/END OpenVPN Static key V1 lines)");
        }
        return key.substring(begin, stop + end.length()) + "\n";
    }

    // ---- a subnet client's LAN side

    /** Name of the up script in an archive for this OS. */
    static String upScriptName(ClientOs os) {
        return os == ClientOs.WINDOWS ? "up.cmd" : "up.sh";
    }

    /** The up script for a subnet client: forwarding on, the prefix's first address on the LAN (if missing). */
    static String upScript(Tunnel tun, ClientOs os, String lanInterface) {
        if (tun.hermit()) {
            throw new IllegalArgumentException("a hermit has no LAN to route: no up script");
        }
        String lan = Safe.lanInterface(lanInterface);
        String ip = tun.lanIp();
        String head = "Generated by v6broker for client " + tun.name() + ": OpenVPN runs it when the tunnel is up.";
        boolean larger = tun.slash64s() > 1;
        String what = "It makes this machine the router of " + tun.prefix() + ": IPv6 forwarding on, " + tun.lanAddress()
                + " on " + lan + (larger ? ", and the /64s no LAN uses yet unreachable here: the server routes all of "
                + tun.prefix() + " to this machine, so without it a packet for one of them would go back into the tunnel "
                + "and loop until its hop limit ran out" : "") + ".";
        String prefix = Safe.token("prefix", tun.prefix());
        return switch (os) {
            case LINUX, ROUTER -> "#!/bin/sh\n# " + head + "\n# " + what + "\n"
                    + "sysctl -w net.ipv6.conf.all.forwarding=1\n"
                    + "ip -6 addr show dev " + lan + " | grep -q 'inet6 " + ip + "/64 ' || ip -6 addr add " + ip + "/64 dev " + lan + "\n"
                    + (larger ? "ip -6 route replace unreachable " + prefix + "\n" : "")
                    + "exit 0\n";
            case MACOS -> "#!/bin/sh\n# " + head + "\n# " + what + "\n"
                    + "sysctl -w net.inet6.ip6.forwarding=1\n"
                    + "ifconfig " + lan + " inet6 | grep -q 'inet6 " + ip + " prefixlen 64' || ifconfig " + lan + " inet6 " + ip
                    + " prefixlen 64 alias\n"
                    + (larger ? "route -n get -inet6 " + prefix + " 2>/dev/null | grep -q REJECT || route -n add -inet6 " + prefix
                            + " ::1 -reject\n" : "")
                    + "exit 0\n";
            case WINDOWS -> crlf("@echo off\nrem " + head + "\nrem " + what + "\n"
                    + "rem %1 is the tunnel interface: forwarding must be on for it too.\n"
                    + "netsh interface ipv6 set interface \"%~1\" forwarding=enabled\n"
                    + "netsh interface ipv6 set interface \"" + lan + "\" forwarding=enabled advertise=enabled\n"
                    + "netsh interface ipv6 show addresses \"" + lan + "\" | findstr /C:\"" + ip + " \" >nul || netsh interface ipv6 add address \""
                    + lan + "\" " + ip + "/64\n"
                    + "netsh interface ipv6 add route " + tun.lanNetwork() + " \"" + lan + "\" publish=yes >nul 2>&1\n"
                    + "exit /b 0\n");
            case OPENWRT -> throw new IllegalArgumentException("OpenWrt's netifd sets the LAN up (network.uci): no up script");
        };
    }

    // ---- routers: OpenWrt's UCI, a Linux router's radvd

    /*
     * The .uci files are input for 'uci batch', one command a line and nothing else (no comments:
     * uci batch reads every line as a command); README.txt says what they do.
     */

    /**
     * {@code network.uci}, for {@code uci batch}: an interface on the profile's tun with the tunnel
     * address and the server as gateway, the client's prefix as its routed prefix ({@code ip6prefix}),
     * and the LAN taking a /64 of it ({@code ip6assign}); netifd and odhcpd do the rest (addresses,
     * routes, the unreachable route for the unused /64s, router advertisements).
     */
    static String openwrtNetwork(Tunnel tun) {
        String i = "network." + OPENWRT_NAME;
        return "set " + i + "=interface\n"
                + "set " + i + ".proto='static'\n"
                + "set " + i + ".device='" + OPENWRT_DEVICE + "'\n"
                + "set " + i + ".ip6addr='" + Safe.token("tunnel address", tun.tunnelAddress()) + "'\n"
                + "set " + i + ".ip6gw='" + Safe.token("server address", tun.serverAddress()) + "'\n"
                + "set " + i + ".ip6prefix='" + Safe.token("prefix", tun.prefix()) + "'\n"
                + "set network.lan.ip6assign='64'\n"
                + "set network.lan.ip6hint='0'\n";
    }

    /**
     * {@code firewall.uci}: a zone of its own for the tunnel, which the LAN may forward to; from the
     * tunnel only the ICMPv6 that IPv6 needs (and echo) comes in, to the router and to the LAN.
     */
    static String openwrtFirewall() {
        String z = "firewall." + OPENWRT_NAME;
        StringBuilder s = new StringBuilder(1024)
                .append("set ").append(z).append("=zone\n")
                .append("set ").append(z).append(".name='").append(OPENWRT_NAME).append("'\n")
                .append("add_list ").append(z).append(".network='").append(OPENWRT_NAME).append("'\n")
                .append("set ").append(z).append(".input='REJECT'\n")
                .append("set ").append(z).append(".output='ACCEPT'\n")
                .append("set ").append(z).append(".forward='REJECT'\n")
                .append("set ").append(z).append("_lan=forwarding\n")
                .append("set ").append(z).append("_lan.src='lan'\n")
                .append("set ").append(z).append("_lan.dest='").append(OPENWRT_NAME).append("'\n");
        for (String[] rule : new String[][] {{"icmp_in", "ICMPv6 from the tunnel to the router", null},
                {"icmp_fwd", "ICMPv6 from the tunnel to the LAN", "*"}}) {
            String r = z + "_" + rule[0];
            s.append("set ").append(r).append("=rule\n")
                    .append("set ").append(r).append(".name='v6broker: ").append(rule[1]).append("'\n")
                    .append("set ").append(r).append(".src='").append(OPENWRT_NAME).append("'\n");
            if (rule[2] != null) {
                s.append("set ").append(r).append(".dest='").append(rule[2]).append("'\n");
            }
            s.append("set ").append(r).append(".proto='icmp'\n")
                    .append("set ").append(r).append(".family='ipv6'\n");
            for (String type : List.of("echo-request", "echo-reply", "destination-unreachable", "packet-too-big", "time-exceeded",
                    "bad-header", "unknown-header-type")) {
                s.append("add_list ").append(r).append(".icmp_type='").append(type).append("'\n");
            }
            s.append("set ").append(r).append(".target='ACCEPT'\n");
        }
        return s.toString();
    }

    /** {@code openvpn.uci}: the openvpn package's instance that runs the profile at boot. */
    static String openwrtOpenvpn(Tunnel tun) {
        String o = "openvpn." + OPENWRT_NAME;
        return "set " + o + "=openvpn\n"
                + "set " + o + ".enabled='1'\n"
                + "set " + o + ".config='" + OPENWRT_CONFIG_DIR + "/" + tun.name() + ".ovpn'\n";
    }

    /** Where an OpenWrt profile goes on the router. */
    static final String OPENWRT_CONFIG_DIR = "/etc/openvpn";

    /** {@code radvd.conf} for a Linux router: router advertisements of the LAN's /64 on the LAN interface. */
    static String radvdConf(Tunnel tun, String lanInterface) {
        return "# Generated by v6broker for client " + tun.name() + ": announces " + tun.lanNetwork() + " on "
                + lanInterface + "\n# (copy to /etc/radvd.conf, or add the block to it; then: systemctl restart radvd)\n"
                + "interface " + Safe.lanInterface(lanInterface) + " {\n"
                + "    AdvSendAdvert on;\n"
                + "    prefix " + Safe.token("LAN network", tun.lanNetwork().toString()) + " {\n"
                + "        AdvOnLink on;\n"
                + "        AdvAutonomous on;\n"
                + "    };\n"
                + "};\n";
    }

    // ---- README, manifest, sanity check

    static String readme(Site site, Client c, Tunnel tun, ClientOs os, String lanInterface, String upScript) {
        String name = tun.name();
        StringBuilder s = new StringBuilder(2048);
        s.append("Your IPv6 tunnel: ").append(name).append('\n')
                .append("=".repeat(18 + name.length())).append("\n\n");
        if (c.email() != null) {
            s.append("Contact       ").append(c.email()).append('\n');
        }
        if (tun.hermit()) {
            s.append("Your address  ").append(c.assignment().prefix().address())
                    .append(" (a public IPv6 address for this machine)\n");
        } else {
            s.append("Your prefix   ").append(tun.prefix()).append(tun.slash64s() == 1 ? " (routed to you: a whole /64 for your LAN)\n"
                            : " (routed to you: " + tun.slash64s() + " /64s, one for each LAN)\n")
                    .append("LAN address   ").append(tun.lanAddress()).append(" on ").append(lanInterface)
                    .append(" (this machine is the LAN's IPv6 router)\n");
        }
        s.append("Tunnel        ").append(tun.tunnelAddress()).append(" on your side, ")
                .append(tun.serverAddress()).append(" on the server's\n")
                .append("Server        ").append(tun.host()).append(", UDP port ").append(tun.port()).append('\n')
                .append("Routes        ").append(String.join(", ", tun.routes())).append(" through the tunnel\n")
                .append("Certificate   valid until ").append(c.notAfter()).append("\n\n");
        s.append("In this folder\n")
                .append(row(name + ".ovpn", "the OpenVPN profile with your key inside: keep it private"));
        if (upScript != null) {
            s.append(row(upScript, "run by OpenVPN once the tunnel is up: turns on IPv6 forwarding and adds"))
                    .append(row("", tun.lanAddress() + " to " + lanInterface + " if it is not there yet"));
        }
        if (os == ClientOs.OPENWRT) {
            s.append(row("openvpn.uci", "the openvpn package's instance that runs the profile"))
                    .append(row("network.uci", "the tunnel's interface, the prefix routed to it, the LAN's /64 of it"))
                    .append(row("firewall.uci", "a zone for the tunnel: the LAN out, ICMPv6 in, nothing else in"));
        } else if (os == ClientOs.ROUTER) {
            s.append(row("radvd.conf", "router advertisements of " + tun.lanNetwork() + " on " + lanInterface));
        }
        s.append(row("sanity-check.sh", "a read-only check of the running tunnel (Linux, macOS): sh sanity-check.sh"))
                .append(row("manifest.json", "the same facts for programs"))
                .append('\n');
        s.append("How to start\n");
        switch (os) {
            case LINUX -> s.append("  1. Install OpenVPN 2.6 (Debian, Ubuntu: sudo apt install openvpn).\n")
                    .append("  2. In this folder: sudo openvpn --config ").append(name).append(".ovpn\n")
                    .append("  3. In another terminal, in this folder: sh sanity-check.sh\n")
                    .append("  To start at boot: copy the folder's files to /etc/openvpn/client/, rename the profile to ")
                    .append(name).append(".conf\n     and run: sudo systemctl enable --now openvpn-client@").append(name).append('\n');
            case MACOS -> s.append("  Tunnelblick or OpenVPN Connect: import ").append(name).append(".ovpn (double-click it).\n")
                    .append("  Or from Terminal with OpenVPN from Homebrew (brew install openvpn), in this folder:\n")
                    .append("    sudo openvpn --config ").append(name).append(".ovpn\n")
                    .append(upScript != null ? "  The apps may not run " + upScript + ": then run 'sudo sh " + upScript
                            + "' once the tunnel is up.\n" : "")
                    .append("  Then: sh sanity-check.sh\n");
            case OPENWRT -> s.append("  On the router (OpenWrt 23.05 or later), as root:\n")
                    .append("  1. Install OpenVPN: opkg update && opkg install openvpn-openssl   (OpenWrt 25: apk add openvpn-openssl)\n")
                    .append("  2. Copy this folder's files to the router, the profile to ").append(OPENWRT_CONFIG_DIR).append('/')
                    .append(name).append(".ovpn (mode 600):\n")
                    .append("       scp -O ").append(name).append(".ovpn *.uci root@192.168.1.1:/tmp/ && ssh root@192.168.1.1\n")
                    .append("       mkdir -p ").append(OPENWRT_CONFIG_DIR).append(" && mv /tmp/").append(name).append(".ovpn ")
                    .append(OPENWRT_CONFIG_DIR).append("/ && chmod 600 ").append(OPENWRT_CONFIG_DIR).append('/').append(name)
                    .append(".ovpn\n")
                    .append("  3. Apply the settings: cd /tmp && for f in openvpn network firewall; do uci batch < $f.uci; done && uci commit\n")
                    .append("  4. Start: /etc/init.d/network reload; /etc/init.d/firewall reload; /etc/init.d/openvpn enable;\n")
                    .append("     /etc/init.d/openvpn restart\n")
                    .append("  Check: ping -6 ").append(tun.serverAddress()).append(" and, from a LAN host, ping -6 ")
                    .append(tun.serverAddress()).append('\n');
            case ROUTER -> s.append("  On the router (Debian, Ubuntu), as root:\n")
                    .append("  1. sudo apt install openvpn radvd\n")
                    .append("  2. Copy the folder's files to /etc/openvpn/client/, rename the profile to ").append(name)
                    .append(".conf, and run:\n     sudo systemctl enable --now openvpn-client@").append(name).append('\n')
                    .append("     (").append(upScript == null ? "" : upScript)
                    .append(" turns on forwarding and puts ").append(tun.lanAddress()).append(" on ").append(lanInterface).append(")\n")
                    .append("  3. sudo cp radvd.conf /etc/radvd.conf (or add its block) && sudo systemctl restart radvd\n")
                    .append("  4. sh sanity-check.sh\n");
            case WINDOWS -> s.append("  1. Install OpenVPN 2.6 (the OpenVPN GUI) from openvpn.net.\n")
                    .append("  2. Copy this folder into C:\\Users\\YOU\\OpenVPN\\config\\ (or import ").append(name)
                    .append(".ovpn in the GUI).\n")
                    .append("  3. Connect from the GUI's tray icon")
                    .append(upScript != null ? "; run the GUI as administrator so that " + upScript
                            + " may change the network settings.\n" : ".\n")
                    .append("  Check: ping -6 ").append(tun.serverAddress()).append('\n');
        }
        if (!tun.hermit()) {
            s.append("\nYour LAN\n")
                    .append("  Hosts on ").append(lanInterface).append(" get addresses from ").append(tun.lanNetwork())
                    .append(" once this machine sends router\n  advertisements for it ")
                    .append(os == ClientOs.WINDOWS ? "(the up script turns them on)."
                            : os == ClientOs.OPENWRT ? "(odhcpd does, from network.uci's ip6assign)."
                            : os == ClientOs.ROUTER ? "(radvd.conf)." : "(Linux: radvd, with 'prefix "
                            + tun.lanNetwork() + "' on " + lanInterface + ").").append('\n')
                    .append("  Or give them static addresses from ").append(tun.lanNetwork()).append(" with ")
                    .append(tun.lanIp()).append(" as their gateway.\n");
            if (tun.slash64s() > 1) {
                Ipv6Prefix second = tun.slash64(1);
                Ipv6Prefix last = tun.slash64(tun.slash64s() - 1);
                String example = Ipv6Prefix.format(second.network().add(java.math.BigInteger.ONE));
                s.append("\nFurther LANs\n")
                        .append("  ").append(second).append(" .. ").append(last).append(" (").append(tun.slash64s() - 1)
                        .append(" /64s) are yours too, routed to this machine:\n")
                        .append("  give each further LAN interface the ::1 of a /64 of them and announce that /64 there.\n")
                        .append("  The ones no LAN uses are unreachable here (").append(os == ClientOs.OPENWRT ? "netifd" : "up.sh")
                        .append(" adds 'unreachable ").append(tun.prefix())
                        .append("'),\n  so a packet for one of them is refused, not sent back into the tunnel.\n")
                        .append("  Linux, for a second LAN on eth2:\n")
                        .append("    sudo ip -6 addr add ").append(example).append("/64 dev eth2\n")
                        .append("    and in /etc/radvd.conf, one block per LAN:\n")
                        .append("      interface eth2 { AdvSendAdvert on; prefix ").append(second).append(" { }; };\n")
                        .append("  OpenWrt (odhcpd announces what an interface carries), for its 'lan':\n")
                        .append("    uci set network.lan.ip6addr='").append(example).append("/64'\n")
                        .append("    uci set dhcp.lan.ra='server'; uci commit; /etc/init.d/network reload\n");
            }
        }
        return os == ClientOs.WINDOWS ? crlf(s.toString()) : s.toString();
    }

    private static String row(String file, String text) {
        return String.format("  %-" + Math.max(17, file.length() + 2) + "s%s\n", file, text);
    }

    /** manifest.json: field names are a contract with programs reading the archive (v6broker doctor reads it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "type", "layout", "server", "prefix", "tunnelAddress", "serverAddress", "routes",
        "lanInterface", "lanAddress", "lanNetwork", "furtherLans", "caFingerprint", "notBefore", "notAfter"})
    record Manifest(String name, String type, String layout, Server server, String prefix, String tunnelAddress,
                    String serverAddress, List<String> routes, String lanInterface, String lanAddress, String lanNetwork,
                    FurtherLans furtherLans, String caFingerprint, String notBefore, String notAfter) {
    }

    /** The /64s of a prefix larger than a /64 beyond the LAN's: for further LANs. */
    @JsonPropertyOrder({"first", "last", "count"})
    record FurtherLans(String first, String last, long count) {
    }

    @JsonPropertyOrder({"host", "port", "proto"})
    record Server(String host, int port, String proto) {
    }

    static String manifest(Client c, Tunnel tun, String lanInterface, String caCertificatePem) {
        return Home.toJson(new Manifest(tun.name(), tun.type().cliName(), tun.layout().cliName(),
                new Server(tun.host(), tun.port(), "udp"), tun.prefix(), tun.tunnelAddress(), tun.serverAddress(),
                tun.routes(), tun.hermit() ? null : lanInterface, tun.lanAddress(), tun.lanNetwork(),
                tun.hermit() || tun.slash64s() == 1 ? null
                        : new FurtherLans(tun.slash64(1).toString(), tun.slash64(tun.slash64s() - 1).toString(), tun.slash64s() - 1),
                fingerprint(caCertificatePem),
                c.notBefore() == null ? null : c.notBefore().toString(), c.notAfter().toString()));
    }

    /** SHA-256 of the CA certificate's DER, {@code AA:BB:...} as {@code openssl x509 -fingerprint -sha256} prints it. */
    static String fingerprint(String caCertificatePem) {
        try {
            byte[] der = Pem.readCertificate(caCertificatePem).getEncoded();
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (CertificateEncodingException e) {
            throw new CaException("cannot encode the CA certificate: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** sanity-check.sh without the certificate's dates: the clock and expiry checks are skipped. */
    static String sanityCheck(Tunnel tun, String lanInterface) {
        return sanityCheck(tun, lanInterface, null, null);
    }

    /**
     * sanity-check.sh: POSIX sh, read-only (it changes nothing and sends nothing but two pings to the
     * server through the tunnel, and two to the global address given with {@code --probe}), Linux and
     * macOS. Each check prints {@code OK ...}, {@code FAIL ...; fix: ...} or {@code SKIP ...} (not
     * tried: nothing to check, or a check it depends on failed); exit status 0 when nothing failed,
     * 1 otherwise. {@code v6broker doctor} runs the same checks in Java and prints the same lines.
     */
    static String sanityCheck(Tunnel tun, String lanInterface, java.time.Instant notBefore, java.time.Instant notAfter) {
        String vars = "NAME='" + tun.name() + "'\n"
                + "SERVER='" + tun.host() + "'\n"
                + "PORT='" + tun.port() + "'\n"
                + "TUNNEL_ADDRESS='" + rfc5952(tun.tunnelIp()) + "'\n"
                + "TUNNEL_LENGTH='" + tun.tunnelLength() + "'\n"
                + "SERVER_ADDRESS='" + rfc5952(tun.serverAddress()) + "'\n"
                + "ROUTES='" + String.join(" ", tun.routes()) + "'\n"
                + "ROUTE_PROBE='" + ROUTE_PROBE + "'\n"
                + "SUBNET='" + (tun.hermit() ? "no" : "yes") + "'\n"
                + "LAN_INTERFACE='" + (tun.hermit() ? "" : Safe.lanInterface(lanInterface)) + "'\n"
                + "LAN_ADDRESS='" + (tun.hermit() ? "" : rfc5952(tun.lanIp())) + "'\n"
                + "DELEGATED='" + (tun.hermit() ? "" : Safe.token("prefix", tun.prefix())) + "'\n"
                + "LOOP_PROBE='" + (tun.loopProbe() == null ? "" : tun.loopProbe()) + "'\n"
                + "NOT_BEFORE='" + (notBefore == null ? "" : Safe.token("notBefore", notBefore.toString())) + "'\n"
                + "NOT_BEFORE_EPOCH='" + (notBefore == null ? "" : notBefore.getEpochSecond()) + "'\n"
                + "NOT_AFTER='" + (notAfter == null ? "" : Safe.token("notAfter", notAfter.toString())) + "'\n"
                + "NOT_AFTER_EPOCH='" + (notAfter == null ? "" : notAfter.getEpochSecond()) + "'\n"
                + "MIN_MTU='" + MIN_MTU + "'\n";
        return "#!/bin/sh\n"
                + "# " + ServerConfigs.MARK + " for client " + tun.name() + " (" + tun.layout().cliName() + " layout).\n"
                + "# A read-only check of a running tunnel: it changes nothing, and sends nothing but two pings\n"
                + "# to the server through the tunnel (and two to the address given with --probe).\n"
                + "# Run it while OpenVPN is connected: sh sanity-check.sh [--probe GLOBAL-IPV6-ADDRESS]\n"
                + "# 'v6broker doctor --manifest manifest.json' runs the same checks.\n"
                + vars
                + SANITY_BODY;
    }

    /**
     * An address as {@code ip} prints it (RFC 5952: a single zero group stays {@code :0:}), since
     * the script compares it with {@code ip}'s output as text.
     */
    static String rfc5952(String address) {
        inet.ipaddr.IPAddress a = new inet.ipaddr.IPAddressString(address).getAddress();
        if (a == null) {
            throw new UnsafeValueException("refusing to render " + net.v6broker.config.Validation.quote(address)
                    + " as an address: it is not one");
        }
        return Safe.token("address", a.toCanonicalString());
    }

    /** IPv6's minimum link MTU (RFC 8200). */
    static final int MIN_MTU = 1280;

    private static final String SANITY_BODY = """

            PROBE=
            while [ $# -gt 0 ]; do
                case "$1" in
                    --probe) [ $# -ge 2 ] || { echo 'sanity-check.sh: --probe needs an address' >&2; exit 2; }; PROBE=$2; shift 2 ;;
                    --probe=*) PROBE=${1#--probe=}; shift ;;
                    *) echo 'usage: sh sanity-check.sh [--probe GLOBAL-IPV6-ADDRESS]' >&2; exit 2 ;;
                esac
            done
            case "$PROBE" in
                *[!0-9A-Fa-f:.]*) echo "sanity-check.sh: --probe '$PROBE' is not an IPv6 address" >&2; exit 2 ;;
            esac

            failures=0
            ok() { printf 'OK   %s\\n' "$1"; }
            fail() { printf 'FAIL %s; fix: %s\\n' "$1" "$2"; failures=$((failures + 1)); }
            skip() { printf 'SKIP %s\\n' "$1"; }
            darwin=no
            [ "$(uname -s 2>/dev/null)" = Darwin ] && darwin=yes

            printf 'v6broker sanity check for %s (server %s, UDP port %s)\\n' "$NAME" "$SERVER" "$PORT"

            # 1. OpenVPN installed, 2.5 or later (the profile uses data-ciphers)
            install_fix='install OpenVPN 2.6: sudo apt install openvpn (Debian, Ubuntu), brew install openvpn or Tunnelblick (macOS)'
            if command -v openvpn >/dev/null 2>&1; then
                version=$(openvpn --version 2>/dev/null | head -n 1)
                v=$(printf '%s\\n' "$version" | awk '{ print $2 }')
                major=
                minor=
                case "$v" in *.*) major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*} ;; esac
                case "$major" in ''|*[!0-9]*) major= ;; esac
                case "$minor" in ''|*[!0-9]*) major= ;; esac
                if [ -z "$major" ]; then
                    ok "openvpn installed: $version"
                elif [ "$major" -lt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -lt 5 ]; }; then
                    fail "openvpn $v is too old for this profile (it needs 2.5 or later)" "$install_fix"
                else
                    ok "openvpn installed: $version"
                fi
            elif [ "$darwin" = yes ] && { [ -d /Applications/Tunnelblick.app ] || [ -d '/Applications/OpenVPN Connect.app' ]; }; then
                ok "an OpenVPN app is installed in /Applications"
            else
                fail "openvpn is not installed (not on PATH)" "$install_fix"
            fi

            # 2. an openvpn process
            if ps -A -o comm= 2>/dev/null | awk '{ sub(".*/", ""); if ($0 == "openvpn") found = 1 } END { exit !found }'; then
                ok "an openvpn process is running"
            else
                fail "no openvpn process is running" "start the tunnel: sudo openvpn --config $NAME.ovpn (in the folder of this script)"
            fi

            # 3. the clock, and 4. the certificate's validity: a wrong clock makes a good certificate fail
            now=$(date +%s 2>/dev/null)
            case "$now" in ''|*[!0-9]*) now= ;; esac
            if [ -z "$NOT_BEFORE_EPOCH" ] || [ -z "$now" ]; then
                skip "the clock: no certificate dates to compare it with"
            elif [ "$now" -lt "$NOT_BEFORE_EPOCH" ]; then
                fail "the clock is behind: it is before $NOT_BEFORE, when the certificate became valid, so OpenVPN refuses it as not yet valid" "set the clock: sudo timedatectl set-ntp true (or sudo date -s 'YYYY-MM-DD HH:MM:SS')"
            else
                ok "the clock is past the certificate's start ($NOT_BEFORE)"
            fi
            if [ -z "$NOT_AFTER_EPOCH" ] || [ -z "$now" ]; then
                skip "the certificate's expiry: no certificate dates to compare with"
            elif [ "$now" -ge "$NOT_AFTER_EPOCH" ]; then
                fail "the certificate expired at $NOT_AFTER" "ask the broker's operator for a renewed profile (v6broker client renew $NAME, then export it again); if 'date' shows a wrong time, set the clock instead"
            else
                days=$(( (NOT_AFTER_EPOCH - now + 43200) / 86400 ))
                if [ "$days" -lt 30 ]; then
                    ok "the certificate is valid until $NOT_AFTER ($days days left: ask for a renewal soon)"
                else
                    ok "the certificate is valid until $NOT_AFTER ($days days left)"
                fi
            fi

            # 5. a tun interface carries the tunnel address
            dev=
            if [ "$darwin" = yes ]; then
                for i in $(ifconfig -l 2>/dev/null); do
                    if ifconfig "$i" inet6 2>/dev/null | grep -q "inet6 $TUNNEL_ADDRESS prefixlen $TUNNEL_LENGTH"; then
                        dev=$i
                        break
                    fi
                done
            else
                dev=$(ip -6 -o addr show 2>/dev/null | awk -v a="$TUNNEL_ADDRESS/$TUNNEL_LENGTH" '$4 == a { print $2; exit }')
            fi
            if [ -n "$dev" ]; then
                ok "tunnel address $TUNNEL_ADDRESS/$TUNNEL_LENGTH is on $dev"
            else
                fail "no interface carries the tunnel address $TUNNEL_ADDRESS/$TUNNEL_LENGTH" "start the tunnel (sudo openvpn --config $NAME.ovpn in the folder of this script); if it runs, look in its log for errors after 'Initialization Sequence Completed'"
            fi

            # 6. the tunnel interface is up, with an MTU IPv6 can use
            flags=
            mtu=
            if [ -z "$dev" ]; then
                skip "the tunnel interface's state: no interface carries the tunnel address"
            else
                if [ "$darwin" = yes ]; then
                    line=$(ifconfig "$dev" 2>/dev/null | head -n 1)
                    case "$line" in *'<UP'*|*',UP,'*|*',UP>'*) flags=0x1 ;; ?*) flags=0x0 ;; esac
                    mtu=$(printf '%s\\n' "$line" | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }')
                else
                    flags=$(cat "/sys/class/net/$dev/flags" 2>/dev/null)
                    mtu=$(cat "/sys/class/net/$dev/mtu" 2>/dev/null)
                fi
                case "$flags" in 0x[0-9A-Fa-f]*) ;; *) flags= ;; esac
                case "$mtu" in ''|*[!0-9]*) mtu= ;; esac
                if [ -z "$flags" ] || [ -z "$mtu" ]; then
                    skip "the state of $dev: it cannot be read"
                elif [ $((flags & 1)) -eq 0 ]; then
                    fail "$dev is down" "bring it up: sudo ip link set $dev up (or reconnect OpenVPN)"
                elif [ "$mtu" -lt "$MIN_MTU" ]; then
                    fail "$dev has MTU $mtu, below IPv6's minimum of $MIN_MTU" "remove tun-mtu from $NAME.ovpn (or raise it to $MIN_MTU or more) and reconnect"
                else
                    ok "$dev is up, MTU $mtu"
                fi
            fi

            # 7. the routes into the tunnel
            if [ "$darwin" = yes ]; then
                via=$(route -n get -inet6 "$ROUTE_PROBE" 2>/dev/null | awk '$1 == "interface:" { print $2; exit }')
            else
                via=$(ip -6 route get "$ROUTE_PROBE" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
            fi
            routed=no
            if [ -n "$via" ] && { [ "$via" = "$dev" ] || { [ -z "$dev" ] && case "$via" in tun*|utun*) true ;; *) false ;; esac; }; }; then
                routed=yes
                ok "IPv6 traffic ($ROUTES) goes through the tunnel ($via)"
            else
                fail "IPv6 traffic to $ROUTE_PROBE goes through '${via:-nothing}', not the tunnel${dev:+ $dev}" "the routes $ROUTES come from the tunnel: reconnect, or add each by hand (sudo ip -6 route add ROUTE dev ${dev:-tun0}); look for ROUTE6 errors in the OpenVPN log"
            fi

            if [ "$SUBNET" = yes ]; then
                # 8. forwarding
                if [ "$darwin" = yes ]; then
                    fwd=$(sysctl -n net.inet6.ip6.forwarding 2>/dev/null)
                    fwd_fix='turn it on: sudo sysctl -w net.inet6.ip6.forwarding=1 (up.sh does it when OpenVPN runs it from this folder)'
                else
                    fwd=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)
                    fwd_fix='turn it on: sudo sysctl -w net.ipv6.conf.all.forwarding=1 (up.sh does it when OpenVPN runs it from this folder)'
                fi
                if [ "$fwd" = 1 ]; then
                    ok "IPv6 forwarding is on"
                else
                    fail "IPv6 forwarding is off" "$fwd_fix"
                fi
                # 9. the LAN address
                if [ "$darwin" = yes ]; then
                    ifconfig "$LAN_INTERFACE" inet6 2>/dev/null | grep -q "inet6 $LAN_ADDRESS prefixlen 64" && lan=yes || lan=no
                    lan_fix="add it: sudo ifconfig $LAN_INTERFACE inet6 $LAN_ADDRESS prefixlen 64 alias (up.sh does it)"
                else
                    ip -6 addr show dev "$LAN_INTERFACE" 2>/dev/null | grep -q "inet6 $LAN_ADDRESS/64 " && lan=yes || lan=no
                    lan_fix="add it: sudo ip -6 addr add $LAN_ADDRESS/64 dev $LAN_INTERFACE (up.sh does it)"
                fi
                if [ "$lan" = yes ]; then
                    ok "LAN address $LAN_ADDRESS/64 is on $LAN_INTERFACE"
                else
                    fail "$LAN_INTERFACE does not carry $LAN_ADDRESS/64" "$lan_fix; if your LAN interface is not $LAN_INTERFACE, export the profile again with --lan-if"
                fi
                # 10. a prefix larger than a /64: its unused /64s stop here, not back into the tunnel
                if [ -n "$LOOP_PROBE" ]; then
                    if [ "$darwin" = yes ]; then
                        lvia=$(route -n get -inet6 "$LOOP_PROBE" 2>/dev/null | awk '$1 == "interface:" { print $2; exit }')
                        loop_fix="sudo route -n add -inet6 $DELEGATED ::1 -reject (up.sh does it)"
                    else
                        lvia=$(ip -6 route get "$LOOP_PROBE" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
                        loop_fix="sudo ip -6 route add unreachable $DELEGATED (up.sh does it)"
                    fi
                    if [ -n "$lvia" ] && { [ "$lvia" = "$dev" ] || case "$lvia" in tun*|utun*) true ;; *) false ;; esac; }; then
                        fail "traffic for the unused /64s of $DELEGATED (to $LOOP_PROBE) goes back into the tunnel ($lvia): it loops between here and the server" "$loop_fix"
                    else
                        ok "traffic for the unused /64s of $DELEGATED stops here, not back into the tunnel"
                    fi
                fi
            fi

            # 11. the server answers through the tunnel
            target=$SERVER_ADDRESS
            case "$SERVER_ADDRESS" in fe80:*) [ -n "$dev" ] && target="$SERVER_ADDRESS%$dev" ;; esac
            if [ "$darwin" = yes ]; then
                ping6 -c 2 -i 1 "$target" >/dev/null 2>&1 && pong=yes || pong=no
            else
                ping -6 -c 2 -W 2 "$target" >/dev/null 2>&1 && pong=yes || pong=no
            fi
            if [ "$pong" = yes ]; then
                ok "the server answers ping at $target"
            else
                fail "no answer from $target through the tunnel" "if the checks above pass, the server or the way to it is down: is UDP port $PORT to $SERVER blocked, does the OpenVPN log say 'Inactivity timeout'? Does a firewall drop ICMPv6 on the tunnel interface?"
            fi

            # 12. a global address answers through the tunnel
            if [ -z "$PROBE" ]; then
                skip "a global address through the tunnel: none given (sh sanity-check.sh --probe ADDRESS)"
            elif [ "$routed" != yes ] || [ "$pong" != yes ]; then
                skip "a global address through the tunnel: not tried, the checks above failed"
            else
                out=${dev:-$via}
                if [ "$darwin" = yes ]; then
                    ping6 -c 2 -i 1 -I "$out" "$PROBE" >/dev/null 2>&1 && far=yes || far=no
                else
                    ping -6 -c 2 -W 2 -I "$out" "$PROBE" >/dev/null 2>&1 && far=yes || far=no
                fi
                if [ "$far" = yes ]; then
                    ok "$PROBE answers through the tunnel ($out)"
                else
                    fail "no answer from $PROBE through the tunnel, though the server answers" "the tunnel works up to the server, which must forward IPv6 and route it on: tell the broker's operator (or is $PROBE down?)"
                fi
            fi

            if [ "$failures" -eq 0 ]; then
                echo "all checks passed"
                exit 0
            fi
            echo "$failures check(s) failed"
            exit 1
            """;

    static String crlf(String text) {
        return text.lines().collect(Collectors.joining("\r\n", "", "\r\n"));
    }
}
