package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hermit-only broker on a single /64 whose provider does not route it to the server but has it
 * on-link (as Hetzner's and Vultr's do): the upstream router asks for each address by neighbour
 * solicitation, and the daemon's proxy-NDP entries on the upstream interface answer for the active
 * hermits. Driven through the CLI and {@code serve}; real openvpn.
 *
 * <pre>
 *   h1 (198.51.100.10) ─┐
 *   h2 (198.51.100.20) ─┴─ br0 in srv (198.51.100.1, serve + openvpn, tun0 2001:db8:64::1/64)
 *   srv up0 (link-local only) ── eth0 up: fe80::1, 2001:db8:64::/64 on-link, its own 2001:db8:ffff::1 on lo
 * </pre>
 */
class OnLinkHermitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    private static final String P = "2001:db8:64::/64";
    Netns net;
    Path home;
    Process daemon;

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            Netns.stop(daemon);
        }
        E2e.stopOpenvpn(home); // the daemon leaves openvpn running by design; this test started it
        if (net != null) {
            net.close();
        }
    }

    @Test
    void theUpstreamRouterReachesTwoHermitsThroughProxyNdpAndNotARevokedOne() throws Exception {
        Netns.assumeAvailable("on-link upstream");
        net = new Netns("ol");
        String srv = net.create("srv");
        String up = net.create("up");
        String h1 = net.create("h1");
        String h2 = net.create("h2");
        net.bridge(srv, List.of(h1, h2));
        // the provider's side: the /64 on-link towards the server, no route through it
        net.link(srv, "up0", up, "eth0");
        net.address(up, "eth0", "fe80::1/64");
        net.address(up, "lo", "2001:db8:ffff::1/128");
        net.exec(up, "ip", "-6", "route", "add", P, "dev", "eth0");
        net.exec(srv, "ip", "-6", "route", "add", "default", "via", "fe80::1", "dev", "up0");
        net.exec(srv, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");

        Path dir = E2e.workDir("on-link");
        home = dir.resolve("home");
        String h = home.toString();
        String init = ok("init", "--home", h, "--prefix", P, "--endpoint", "198.51.100.1:1194", "--upstream", "on-link:up0");
        assertThat(init).contains("hermits only", "on-link at up0");
        ok("client", "add", "h1", "--type", "hermit", "--home", h);
        ok("client", "add", "h2", "--type", "hermit", "--home", h);
        String a1 = address(h, "h1");
        String a2 = address(h, "h2");
        assertThat(a1).isEqualTo("2001:db8:64::100");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", h, "--http",
                "127.0.0.1:0", "--node", "srv"));
        daemon = net.spawn(srv, dir, dir.resolve("daemon.log"), cmd.toArray(String[]::new));
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home)))
                .as(() -> "daemon started openvpn: " + TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        assertThat(proxies(srv)).contains(a1, a2);
        assertThat(net.exec(srv, "cat", "/proc/sys/net/ipv6/conf/up0/proxy_ndp").strip()).isEqualTo("1");

        Path clients = Files.createDirectories(dir.resolve("clients"));
        List<Path> logs = new ArrayList<>(List.of(dir.resolve("daemon.log"), home.resolve("openvpn/run/server.log")));
        for (String[] c : new String[][] {{"h1", h1}, {"h2", h2}}) {
            Path archive = clients.resolve(c[0] + ".tar.gz");
            ok("client", "export", c[0], "--format", "tar.gz", "--out", archive.toString(), "--home", h);
            Netns.run("tar", "-xzf", archive.toString(), "-C", clients.toString());
            Path log = dir.resolve(c[0] + ".log");
            logs.add(log);
            net.spawn(c[1], clients.resolve(c[0]), log, "openvpn", "--config", c[0] + ".ovpn");
        }
        for (String a : List.of(a1, a2)) {
            assertThat(Netns.await(UP, () -> net.ping6(up, a))).as(() -> "upstream -> " + a + diagnostics(logs)).isTrue();
        }
        assertThat(Netns.await(UP, () -> net.ping6(h1, "2001:db8:ffff::1"))).as("h1 -> upstream").isTrue();
        // the router learnt them by neighbour discovery on its link, answered by the server
        assertThat(net.exec(up, "ip", "-6", "neigh", "show", "dev", "eth0")).contains(a1, a2);

        // check compares the kernel's entries with the database: consistent, until one goes missing
        assertThat(check(srv, h)).contains("all consistent");
        net.exec(srv, "ip", "-6", "neigh", "del", "proxy", a1, "dev", "up0");
        assertThat(check(srv, h)).contains("h1: is active but has no proxy NDP entry on up0: the upstream router cannot find "
                + a1);
        net.exec(srv, "ip", "-6", "neigh", "replace", "proxy", a1, "dev", "up0");

        ok("client", "revoke", "h2", "--home", h);
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !proxies(srv).contains(a2)))
                .as("the daemon removes a revoked hermit's entry").isTrue();
        net.exec(up, "ip", "-6", "neigh", "flush", "dev", "eth0"); // forget what was learnt: ask again, as a router does
        assertThat(net.ping6(up, a2)).as("the revoked hermit is no longer reachable upstream").isFalse();
        assertThat(Netns.await(UP, () -> net.ping6(up, a1))).as("the other one still is").isTrue();
        assertThat(proxies(srv)).contains(a1);
    }

    /** {@code v6broker check} run on the server, its report whatever its exit status. */
    private String check(String srv, String h) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return net.exec(srv, "sh", "-c", "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' net.v6broker.Main "
                + "check --home '" + h + "' --node srv 2>&1; true");
    }

    private List<String> proxies(String srv) {
        List<String> out = new ArrayList<>();
        for (String line : net.exec(srv, "ip", "-6", "neigh", "show", "proxy", "dev", "up0").split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip().split("\\s+")[0]);
            }
        }
        return out;
    }

    private static String address(String home, String name) throws Exception {
        return TunnelTest.address(JSON.readTree(ok("client", "show", name, "--json", "--home", home)).get("prefix").asText());
    }

    private String diagnostics(List<Path> logs) {
        StringBuilder sb = new StringBuilder("\n");
        for (String role : List.of("srv", "up", "h1", "h2")) {
            String ns = net.ns(role);
            sb.append("== ").append(ns).append('\n');
            try {
                sb.append(net.exec(ns, "ip", "-6", "-o", "addr", "show")).append(net.exec(ns, "ip", "-6", "route", "show"))
                        .append(net.exec(ns, "ip", "-6", "neigh", "show", "proxy"));
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
