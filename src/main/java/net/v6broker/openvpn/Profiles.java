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
import net.v6broker.config.Home;
import net.v6broker.store.ClientOs;

/**
 * Renders what a client gets: the inline {@code .ovpn} profile for either layout, the LAN up script
 * of a subnet client (sh for Linux and macOS, cmd for Windows), README.txt, manifest.json and the
 * read-only sanity-check.sh. Pure: values in, text out. The e-mail address appears only in the
 * README and the manifest, never in a file OpenVPN or a shell reads. Stateless, thread-safe.
 */
final class Profiles {
    /** The CN of the server certificate {@code init} issues. */
    static final String SERVER_NAME = "server";
    /** A global unicast address inside both 2000::/3 and 2000::/4: the route check asks where it would go. */
    static final String ROUTE_PROBE = "2000::1";

    private Profiles() {
    }

    /** The client's private credentials and the site's public ones, as PEM / static-key text. */
    record Keys(String caCertificate, String certificate, String privateKey, String tlsCryptKey) {
        Keys {
            Safe.block("ca", caCertificate);
            Safe.block("cert", certificate);
            Safe.block("key", privateKey);
            Safe.block("tls-crypt", tlsCryptKey);
        }
    }

    /**
     * The inline profile. {@code upScript} is null for a standalone profile, or the up script's file
     * name next to it in an archive ({@code up.sh}, {@code up.cmd}).
     */
    static String ovpn(Site site, Tunnel tun, Keys keys, String upScript) {
        ConfigText t = new ConfigText()
                .comment(ServerConfigs.MARK + " for client " + tun.name() + " (" + tun.type().name().toLowerCase(java.util.Locale.ROOT)
                        + " " + tun.prefix() + ", " + tun.layout().cliName() + " layout).")
                .comment("Start: sudo openvpn --config " + tun.name() + ".ovpn   (keep this file private: it holds your key)");
        if (tun.layout() == Layout.SHARED) {
            t.directive("client")
                    .directive("dev", "tun")
                    .directive("proto", "udp")
                    .directive("remote", tun.host(), tun.port())
                    .directive("nobind")
                    .directive("persist-key")
                    .directive("remote-cert-tls", "server")
                    .directive("verify-x509-name", SERVER_NAME, "name")
                    .directive("data-ciphers", ServerConfigs.CIPHERS)
                    .directive("explicit-exit-notify", 1)
                    .directive("connect-retry", 1, 10);
        } else {
            t.comment("point-to-point: this client's own server instance; addresses and routes are set here, nothing is pulled")
                    .directive("dev", "tun")
                    .directive("proto", "udp")
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
        return t.directive("verb", 3)
                .inline("ca", keys.caCertificate())
                .inline("cert", keys.certificate())
                .inline("key", keys.privateKey())
                .inline("tls-crypt", staticKeyOnly(keys.tlsCryptKey()))
                .toString();
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
        String what = "It makes this machine the router of " + tun.prefix() + ": IPv6 forwarding on, " + tun.lanAddress()
                + " on " + lan + ".";
        return switch (os) {
            case LINUX -> "#!/bin/sh\n# " + head + "\n# " + what + "\n"
                    + "sysctl -w net.ipv6.conf.all.forwarding=1\n"
                    + "ip -6 addr show dev " + lan + " | grep -q 'inet6 " + ip + "/64 ' || ip -6 addr add " + ip + "/64 dev " + lan + "\n"
                    + "exit 0\n";
            case MACOS -> "#!/bin/sh\n# " + head + "\n# " + what + "\n"
                    + "sysctl -w net.inet6.ip6.forwarding=1\n"
                    + "ifconfig " + lan + " inet6 | grep -q 'inet6 " + ip + " prefixlen 64' || ifconfig " + lan + " inet6 " + ip
                    + " prefixlen 64 alias\n"
                    + "exit 0\n";
            case WINDOWS -> crlf("@echo off\nrem " + head + "\nrem " + what + "\n"
                    + "rem %1 is the tunnel interface: forwarding must be on for it too.\n"
                    + "netsh interface ipv6 set interface \"%~1\" forwarding=enabled\n"
                    + "netsh interface ipv6 set interface \"" + lan + "\" forwarding=enabled advertise=enabled\n"
                    + "netsh interface ipv6 show addresses \"" + lan + "\" | findstr /C:\"" + ip + " \" >nul || netsh interface ipv6 add address \""
                    + lan + "\" " + ip + "/64\n"
                    + "netsh interface ipv6 add route " + tun.prefix() + " \"" + lan + "\" publish=yes >nul 2>&1\n"
                    + "exit /b 0\n");
        };
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
            s.append("Your prefix   ").append(tun.prefix()).append(" (routed to you: a whole /64 for your LAN)\n")
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
                    .append("  Hosts on ").append(lanInterface).append(" get addresses from ").append(tun.prefix())
                    .append(" once this machine sends router\n  advertisements for it ")
                    .append(os == ClientOs.WINDOWS ? "(the up script turns them on)." : "(Linux: radvd, with 'prefix "
                            + tun.prefix() + "' on " + lanInterface + ").").append('\n')
                    .append("  Or give them static addresses from ").append(tun.prefix()).append(" with ")
                    .append(tun.lanIp()).append(" as their gateway.\n");
        }
        return os == ClientOs.WINDOWS ? crlf(s.toString()) : s.toString();
    }

    private static String row(String file, String text) {
        return String.format("  %-" + Math.max(17, file.length() + 2) + "s%s\n", file, text);
    }

    /** manifest.json: field names are a contract with programs reading the archive. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"name", "type", "layout", "server", "prefix", "tunnelAddress", "serverAddress", "routes",
        "lanInterface", "lanAddress", "caFingerprint", "notAfter"})
    record Manifest(String name, String type, String layout, Server server, String prefix, String tunnelAddress,
                    String serverAddress, List<String> routes, String lanInterface, String lanAddress,
                    String caFingerprint, String notAfter) {
    }

    @JsonPropertyOrder({"host", "port", "proto"})
    record Server(String host, int port, String proto) {
    }

    static String manifest(Client c, Tunnel tun, String lanInterface, String caCertificatePem) {
        return Home.toJson(new Manifest(tun.name(), tun.type().cliName(), tun.layout().cliName(),
                new Server(tun.host(), tun.port(), "udp"), tun.prefix(), tun.tunnelAddress(), tun.serverAddress(),
                tun.routes(), tun.hermit() ? null : lanInterface, tun.lanAddress(), fingerprint(caCertificatePem),
                c.notAfter().toString()));
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

    /**
     * sanity-check.sh: POSIX sh, read-only (it changes nothing and sends only two pings to the server
     * through the tunnel), Linux and macOS. Each check prints {@code OK ...} or {@code FAIL ... fix: ...};
     * the exit status is the number of failed checks (0: all passed).
     */
    static String sanityCheck(Tunnel tun, String lanInterface) {
        String vars = "NAME='" + tun.name() + "'\n"
                + "SERVER='" + tun.host() + "'\n"
                + "PORT='" + tun.port() + "'\n"
                + "TUNNEL_ADDRESS='" + tun.tunnelIp() + "'\n"
                + "TUNNEL_LENGTH='" + tun.tunnelLength() + "'\n"
                + "SERVER_ADDRESS='" + tun.serverAddress() + "'\n"
                + "ROUTES='" + String.join(" ", tun.routes()) + "'\n"
                + "ROUTE_PROBE='" + ROUTE_PROBE + "'\n"
                + "SUBNET='" + (tun.hermit() ? "no" : "yes") + "'\n"
                + "LAN_INTERFACE='" + (tun.hermit() ? "" : Safe.lanInterface(lanInterface)) + "'\n"
                + "LAN_ADDRESS='" + (tun.hermit() ? "" : tun.lanIp()) + "'\n";
        return "#!/bin/sh\n"
                + "# " + ServerConfigs.MARK + " for client " + tun.name() + " (" + tun.layout().cliName() + " layout).\n"
                + "# A read-only check of a running tunnel: it changes nothing, and sends nothing but two pings\n"
                + "# to the server through the tunnel. Run it while OpenVPN is connected: sh sanity-check.sh\n"
                + vars
                + SANITY_BODY;
    }

    private static final String SANITY_BODY = """

            failures=0
            ok() { printf 'OK   %s\\n' "$1"; }
            fail() { printf 'FAIL %s; fix: %s\\n' "$1" "$2"; failures=$((failures + 1)); }
            darwin=no
            [ "$(uname -s 2>/dev/null)" = Darwin ] && darwin=yes

            printf 'v6broker sanity check for %s (server %s, UDP port %s)\\n' "$NAME" "$SERVER" "$PORT"

            # 1. OpenVPN installed
            if command -v openvpn >/dev/null 2>&1; then
                ok "openvpn installed: $(openvpn --version 2>/dev/null | head -n 1)"
            elif [ "$darwin" = yes ] && { [ -d /Applications/Tunnelblick.app ] || [ -d '/Applications/OpenVPN Connect.app' ]; }; then
                ok "an OpenVPN app is installed in /Applications"
            else
                fail "openvpn is not installed (not on PATH)" "install OpenVPN 2.6: sudo apt install openvpn (Debian, Ubuntu), brew install openvpn or Tunnelblick (macOS)"
            fi

            # 2. an openvpn process
            if ps -A -o comm= 2>/dev/null | awk '{ sub(".*/", ""); if ($0 == "openvpn") found = 1 } END { exit !found }'; then
                ok "an openvpn process is running"
            else
                fail "no openvpn process is running" "start the tunnel: sudo openvpn --config $NAME.ovpn (in the folder of this script)"
            fi

            # 3. a tun interface carries the tunnel address
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
                fail "no interface carries the tunnel address $TUNNEL_ADDRESS/$TUNNEL_LENGTH" "check the OpenVPN log for errors after 'Initialization Sequence Completed'; is the tunnel connected?"
            fi

            # 4. the routes into the tunnel
            if [ "$darwin" = yes ]; then
                via=$(route -n get -inet6 "$ROUTE_PROBE" 2>/dev/null | awk '$1 == "interface:" { print $2; exit }')
            else
                via=$(ip -6 route get "$ROUTE_PROBE" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
            fi
            if [ -n "$via" ] && { [ "$via" = "$dev" ] || { [ -z "$dev" ] && case "$via" in tun*|utun*) true ;; *) false ;; esac; }; }; then
                ok "IPv6 traffic ($ROUTES) goes through the tunnel ($via)"
            else
                fail "IPv6 traffic to $ROUTE_PROBE goes through '${via:-nothing}', not the tunnel${dev:+ $dev}" "the routes $ROUTES come from the tunnel: reconnect; look for ROUTE6 errors in the OpenVPN log"
            fi

            if [ "$SUBNET" = yes ]; then
                # 5. forwarding
                if [ "$darwin" = yes ]; then
                    fwd=$(sysctl -n net.inet6.ip6.forwarding 2>/dev/null)
                else
                    fwd=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)
                fi
                if [ "$fwd" = 1 ]; then
                    ok "IPv6 forwarding is on"
                else
                    fail "IPv6 forwarding is off" "the up script turns it on: start OpenVPN from this folder so that it runs, or run: sudo sh up.sh"
                fi
                # 6. the LAN address
                if [ "$darwin" = yes ]; then
                    ifconfig "$LAN_INTERFACE" inet6 2>/dev/null | grep -q "inet6 $LAN_ADDRESS prefixlen 64" && lan=yes || lan=no
                else
                    ip -6 addr show dev "$LAN_INTERFACE" 2>/dev/null | grep -q "inet6 $LAN_ADDRESS/64 " && lan=yes || lan=no
                fi
                if [ "$lan" = yes ]; then
                    ok "LAN address $LAN_ADDRESS/64 is on $LAN_INTERFACE"
                else
                    fail "$LAN_INTERFACE does not carry $LAN_ADDRESS/64" "run the up script (sudo sh up.sh); if your LAN interface is not $LAN_INTERFACE, export the profile again with --lan-if"
                fi
            fi

            # 7. the server answers through the tunnel
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
                fail "no answer from $target through the tunnel" "is the tunnel up (checks above)? Does a firewall drop ICMPv6 on the tun interface?"
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
