package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delegated prefixes larger than a /64 with the real openvpn, driven through the CLI on a /40: a /56
 * client with two LANs on two different /64s of its /56, a /48 client with one LAN on a /64 in its
 * upper half, and a hermit that reaches the three LAN hosts (and they it); revoke cuts the /56.
 *
 * <pre>
 *   hermit (198.51.100.10) ─┐
 *   s56    (198.51.100.20) ─┼─ br0 in srv (198.51.100.1, openvpn)
 *   s48    (198.51.100.30) ─┘
 *   s56 ── lan0 ── a (its /56's first /64)     s56 ── lan1 ── b (its /56's second /64)
 *   s48 ── lan0 ── c (a /64 in the upper half of its /48)
 * </pre>
 */
class PrefixSizesTunnelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(30);
    Netns net;

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @ParameterizedTest(name = "{0} layout")
    @ValueSource(strings = {"shared", "per-client"})
    void aSlash56WithTwoLansAndASlash48ReachAHermitAndRevokeCutsTheSlash56(String layout) throws Exception {
        Netns.assumeAvailable("prefix sizes");
        net = new Netns("sz");
        String srv = net.create("srv");
        String hermit = net.create("hermit");
        String s56 = net.create("s56");
        String s48 = net.create("s48");
        String a = net.create("a");
        String b = net.create("b");
        String c = net.create("c");
        net.bridge(srv, List.of(hermit, s56, s48));
        net.link(s56, "lan0", a, "eth0");
        net.link(s56, "lan1", b, "eth0");
        net.link(s48, "lan0", c, "eth0");

        Path dir = E2e.workDir("prefix-sizes-" + layout);
        Path home = dir.resolve("home");
        String h = home.toString();
        ok("init", "--home", h, "--prefix", "2001:db8:ab00::/40", "--endpoint", "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h);
        ok("client", "add", "s56", "--type", "subnet", "--size", "56", "--home", h);
        ok("client", "add", "s48", "--type", "subnet", "--size", "48", "--home", h);
        String hermitAddress = TunnelTest.address(JSON.readTree(ok("client", "show", "h1", "--json", "--home", h))
                .get("prefix").asText());
        assertThat(JSON.readTree(ok("client", "show", "s56", "--json", "--home", h)).get("prefix").asText())
                .isEqualTo("2001:db8:ab80::/56");
        assertThat(JSON.readTree(ok("client", "show", "s48", "--json", "--home", h)).get("prefix").asText())
                .isEqualTo("2001:db8:abc0::/48");

        Path server = dir.resolve("server");
        ok("server", "config", "--layout", layout, "--out", server.toString(), "--home", h);
        Path srvLog = dir.resolve("server.log");
        List<Path> confs = new ArrayList<>();
        Path learnt = dir.resolve("learnt.txt");
        if (layout.equals("shared")) {
            confs.add(server.resolve("server.conf"));
            // the per-node route hook of docs/decisions.md 16, as an operator adds it: what OpenVPN hands it
            Path hook = dir.resolve("learn.sh");
            Files.writeString(hook, "#!/bin/sh\necho \"$1 $2 $3\" >> '" + learnt + "'\nexit 0\n");
            Netns.run("chmod", "755", hook.toString());
            Files.writeString(server.resolve("server.conf"), "script-security 2\nlearn-address " + hook + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } else {
            try (Stream<Path> s = Files.list(server)) {
                s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(confs::add);
            }
        }
        for (Path conf : confs) {
            net.spawn(srv, server, srvLog, "openvpn", "--config", conf.toString());
        }
        String ready = layout.equals("shared") ? "Initialization Sequence Completed" : "link local (bound)";
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, ready) >= confs.size()))
                .as("server(s) started: " + TunnelTest.tail(srvLog)).isTrue();

        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        for (String name : List.of("h1", "s56", "s48")) {
            Path archive = dir.resolve(name + ".tar.gz");
            ok("client", "export", name, "--format", "tar.gz", "--layout", layout, "--lan-if", "lan0", "--out", archive.toString(),
                    "--home", h);
            Netns.run("tar", "-xzf", archive.toString(), "-C", unpacked.toString());
        }
        List<Path> logs = new ArrayList<>(List.of(srvLog));
        Process s56Process = null;
        for (String name : List.of("h1", "s56", "s48")) {
            Path log = dir.resolve(name + ".log");
            logs.add(log);
            Process p = net.spawn(name.equals("h1") ? hermit : name.equals("s56") ? s56 : s48, unpacked.resolve(name), log,
                    "openvpn", "--config", name + ".ovpn");
            if (name.equals("s56")) {
                s56Process = p;
            }
        }
        // the up scripts put each prefix's first /64 ::1 on lan0; the further LANs as the README says
        assertThat(Netns.await(UP, () -> net.addresses6(s56, "lan0").contains("2001:db8:ab80::1/64")))
                .as(() -> "s56's up script" + diagnostics(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.addresses6(s48, "lan0").contains("2001:db8:abc0::1/64")))
                .as(() -> "s48's up script" + diagnostics(logs)).isTrue();
        net.address(s56, "lan1", "2001:db8:ab80:1::1/64");
        net.address(s48, "lan0", "2001:db8:abc0:8000::1/64");
        lanHost(a, "2001:db8:ab80::2/64", "2001:db8:ab80::1");
        lanHost(b, "2001:db8:ab80:1::2/64", "2001:db8:ab80:1::1");
        lanHost(c, "2001:db8:abc0:8000::2/64", "2001:db8:abc0:8000::1");
        assertThat(Netns.await(UP, () -> net.addresses6(hermit, "tun0").stream().anyMatch(x -> x.startsWith(hermitAddress + "/"))))
                .as(() -> "hermit addressed" + diagnostics(logs)).isTrue();

        for (String lanHostAddress : List.of("2001:db8:ab80::2", "2001:db8:ab80:1::2", "2001:db8:abc0:8000::2")) {
            assertThat(Netns.await(UP, () -> net.ping6(hermit, lanHostAddress)))
                    .as(() -> "hermit -> " + lanHostAddress + diagnostics(logs)).isTrue();
        }
        for (String ns : List.of(a, b, c)) {
            assertThat(Netns.await(UP, () -> net.ping6(ns, hermitAddress)))
                    .as(() -> ns + " -> hermit" + diagnostics(logs)).isTrue();
        }

        if (layout.equals("shared")) {
            // the learn-address hook gets each prefix at its own length, and also every LAN host OpenVPN learns
            // behind an iroute (which is why the hook of docs/decisions.md 16 announces only ADDR/LEN and hermits)
            assertThat(Files.readAllLines(learnt)).contains("add 2001:db8:ab80::/56 s56", "add 2001:db8:abc0::/48 s48",
                    "add 2001:db8:ab80:1::2 s56");
        }
        // the /64s of the /56 that no LAN uses stop at its router (up.sh's unreachable route), not back into the tunnel
        assertThat(net.exec(s56, "sh", "-c", "ip -6 route get 2001:db8:ab80:ff::1 2>&1; true")).doesNotContain("dev tun");
        assertThat(net.exec(s56, "sh", "-c", "sh " + unpacked.resolve("s56").resolve("sanity-check.sh") + "; true"))
                .contains("OK   traffic for the unused /64s of 2001:db8:ab80::/56 stops here, not back into the tunnel",
                        "OK   LAN address 2001:db8:ab80::1/64 is on lan0");

        ok("client", "revoke", "s56", "--home", h);
        Netns.stop(s56Process);
        long refusedBefore = TunnelTest.count(srvLog, "certificate revoked");
        Path again = dir.resolve("s56-again.log");
        logs.add(again);
        if (layout.equals("per-client")) {
            // its own server has gone with its files; a stale copy of them would still refuse it at TLS
            assertThat(Files.exists(server.resolve("s56.conf"))).isFalse();
        } else {
            net.spawn(s56, unpacked.resolve("s56"), again, "openvpn", "--config", "s56.ovpn");
            assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "certificate revoked") > refusedBefore))
                    .as(() -> "the server refuses the revoked /56" + diagnostics(logs)).isTrue();
        }
        assertThat(net.ping6(hermit, "2001:db8:ab80::2")).as("the revoked /56's first LAN is cut").isFalse();
        assertThat(net.ping6(hermit, "2001:db8:ab80:1::2")).as("and its second").isFalse();
        assertThat(net.ping6(hermit, "2001:db8:abc0:8000::2")).as("the /48 is unaffected").isTrue();
    }

    private void lanHost(String ns, String cidr, String gateway) {
        net.address(ns, "eth0", cidr);
        net.exec(ns, "ip", "-6", "route", "add", "default", "via", gateway);
    }

    private String diagnostics(List<Path> logs) {
        StringBuilder sb = new StringBuilder("\n");
        for (String role : List.of("srv", "hermit", "s56", "s48", "a", "b", "c")) {
            String ns = net.ns(role);
            sb.append("== ").append(ns).append('\n');
            try {
                sb.append(net.exec(ns, "ip", "-6", "-o", "addr", "show")).append(net.exec(ns, "ip", "-6", "route", "show"));
            } catch (RuntimeException e) {
                sb.append(e.getMessage()).append('\n');
            }
        }
        for (Path log : logs) {
            sb.append("== ").append(log.getFileName()).append('\n').append(TunnelTest.tail(log)).append('\n');
        }
        return sb.toString();
    }
}
