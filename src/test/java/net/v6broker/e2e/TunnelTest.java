package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendered configuration with the real openvpn: a server namespace, a hermit and a subnet
 * client (with a LAN namespace behind it) connect from their exported profiles, get exactly the
 * addresses the broker reports, and reach each other; a revoked client is then refused.
 *
 * <pre>
 *   hermit (198.51.100.10) ─┐
 *                           ├─ br0 in srv (198.51.100.1, openvpn server)
 *   subnet (198.51.100.20) ─┘
 *     └─ lan0 ── lan (its /64 ::2, default via ::1)
 * </pre>
 */
class TunnelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(30);
    /** Work files and logs stay under target/e2e/ for review after a run. */
    Path dir;
    Netns net;
    Path home;
    String srv;
    String hermit;
    String subnet;
    String lan;

    @BeforeEach
    void underlay() {
        Netns.assumeAvailable("tunnel");
        net = new Netns("tun");
        Netns.Broker b = net.brokerUnderlay();
        srv = b.srv();
        hermit = b.hermit();
        subnet = b.subnet();
        lan = b.lan();
    }

    private void workDir(String layout) throws IOException {
        dir = E2e.workDir("tunnel-" + layout);
        home = dir.resolve("home");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private String h() {
        return home.toString();
    }

    @ParameterizedTest(name = "{0} layout")
    @ValueSource(strings = {"shared", "per-client"})
    void clientsGetTheirAddressesReachEachOtherAndARevokedOneIsRefused(String layout) throws Exception {
        workDir(layout);
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        ok("client", "add", "s1", "--type", "subnet", "--home", h());
        JsonNode h1 = JSON.readTree(ok("client", "show", "h1", "--json", "--home", h()));
        JsonNode s1 = JSON.readTree(ok("client", "show", "s1", "--json", "--home", h()));

        Path server = dir.resolve("server");
        ok("server", "config", "--layout", layout, "--out", server.toString(), "--home", h());
        Path srvLog = dir.resolve("server.log");
        List<Path> confs = new ArrayList<>();
        if (layout.equals("shared")) {
            confs.add(server.resolve("server.conf"));
        } else {
            try (Stream<Path> s = Files.list(server)) {
                s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(confs::add);
            }
            assertThat(confs).hasSize(2);
        }
        Map<String, Process> servers = new HashMap<>();
        for (Path conf : confs) {
            servers.put(conf.getFileName().toString(), net.spawn(srv, server, srvLog, "openvpn", "--config", conf.toString()));
        }
        // a multi-client server is ready when initialised; a p2p one when its socket is bound (it
        // completes initialisation only once its peer has connected)
        String ready = layout.equals("shared") ? "Initialization Sequence Completed" : "link local (bound)";
        assertThat(Netns.await(UP, () -> count(srvLog, ready) >= confs.size()))
                .as("server(s) started: " + tail(srvLog)).isTrue();

        // the hermit from its single inline profile; the subnet client from its unpacked archive
        Path h1Dir = Files.createDirectories(dir.resolve("h1"));
        ok("client", "export", "h1", "--format", "ovpn", "--layout", layout, "--out", h1Dir.resolve("h1.ovpn").toString(), "--home", h());
        Path h1Archive = dir.resolve("h1.tar.gz");
        ok("client", "export", "h1", "--format", "tar.gz", "--layout", layout, "--out", h1Archive.toString(), "--home", h());
        Path s1Archive = dir.resolve("s1.tar.gz");
        ok("client", "export", "s1", "--format", "tar.gz", "--layout", layout, "--lan-if", "lan0", "--out", s1Archive.toString(),
                "--home", h());
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Netns.run("tar", "-xzf", s1Archive.toString(), "-C", unpacked.toString());
        Netns.run("tar", "-xzf", h1Archive.toString(), "-C", unpacked.toString());
        JsonNode h1Manifest = JSON.readTree(unpacked.resolve("h1/manifest.json").toFile());
        JsonNode s1Manifest = JSON.readTree(unpacked.resolve("s1/manifest.json").toFile());

        Path h1Log = dir.resolve("h1.log");
        Path s1Log = dir.resolve("s1.log");
        net.spawn(hermit, h1Dir, h1Log, "openvpn", "--config", "h1.ovpn");
        Process s1Process = net.spawn(subnet, unpacked.resolve("s1"), s1Log, "openvpn", "--config", "s1.ovpn");

        String hermitAddress = address(h1.get("prefix").asText());
        String subnetAddress = address(s1.get("transferClient").asText());
        assertThat(Netns.await(UP, () -> addresses(hermit).contains(hermitAddress)))
                .as("hermit tun0 carries " + hermitAddress + ": " + net.addresses6(hermit, "tun0") + "\n" + tail(h1Log)).isTrue();
        assertThat(Netns.await(UP, () -> addresses(subnet).contains(subnetAddress)))
                .as("subnet tun0 carries " + subnetAddress + ": " + net.addresses6(subnet, "tun0") + "\n" + tail(s1Log)).isTrue();
        assertThat(net.addresses6(hermit, "tun0")).as("exactly the reported tunnel address")
                .containsExactly(h1Manifest.get("tunnelAddress").asText());
        assertThat(net.addresses6(subnet, "tun0")).containsExactly(s1Manifest.get("tunnelAddress").asText());

        // the LAN behind the subnet client: the up script put the /64's first address on lan0
        String lanPrefix = s1.get("prefix").asText().replace("::/64", "::");
        assertThat(Netns.await(UP, () -> net.addresses6(subnet, "lan0").contains(lanPrefix + "1/64"))).isTrue();
        net.address(lan, "eth0", lanPrefix + "2/64");
        net.exec(lan, "ip", "-6", "route", "add", "default", "via", lanPrefix + "1");

        String hermitServer = h1Manifest.get("serverAddress").asText();
        String subnetServer = s1Manifest.get("serverAddress").asText();
        List<Path> logs = List.of(srvLog, h1Log, s1Log);
        assertThat(Netns.await(UP, () -> net.ping6(hermit, pingable(hermitServer))))
                .as(() -> "hermit -> server " + hermitServer + diagnostics(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(subnet, pingable(subnetServer))))
                .as(() -> "subnet client -> server " + subnetServer + diagnostics(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(srv, hermitAddress)))
                .as(() -> "server -> hermit " + hermitAddress + diagnostics(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(srv, lanPrefix + "2")))
                .as(() -> "server -> host on the subnet's /64" + diagnostics(logs)).isTrue();
        if (layout.equals("shared")) {
            assertThat(Netns.await(UP, () -> net.ping6(lan, hermitAddress)))
                    .as(() -> "LAN host -> hermit, through the broker" + diagnostics(logs)).isTrue();
        }

        // revoke: the profile no longer connects (crl-verify)
        if (layout.equals("per-client")) {
            // keep s1's server config as it was before the revoke, as an operator's stale copy would be
            Files.copy(server.resolve("s1.conf"), server.resolve("s1-stale.conf"));
            Files.writeString(server.resolve("s1-stale.conf"), Files.readString(server.resolve("s1-stale.conf"))
                    .replace(server.resolve("s1.up").toString(), server.resolve("s1-stale.up").toString()));
            Files.copy(server.resolve("s1.up"), server.resolve("s1-stale.up"));
        }
        ok("client", "revoke", "s1", "--home", h());
        assertThat(server.resolve(layout.equals("shared") ? "ccd/s1" : "s1.conf")).as("revoked client's server file").doesNotExist();
        Netns.stop(s1Process);
        if (layout.equals("per-client")) {
            // its own server re-runs its (now removed) up script when the session ends, and exits
            Process old = servers.get("s1.conf");
            assertThat(Netns.await(UP, () -> !old.isAlive())).as("s1's server exits once its files are gone").isTrue();
            net.spawn(srv, server, srvLog, "openvpn", "--config", server.resolve("s1-stale.conf").toString());
        }
        long refusedBefore = count(srvLog, "certificate revoked");
        Path s1Log2 = dir.resolve("s1-again.log");
        net.spawn(subnet, unpacked.resolve("s1"), s1Log2, "openvpn", "--config", "s1.ovpn");
        assertThat(Netns.await(UP, () -> count(srvLog, "certificate revoked") > refusedBefore))
                .as("server refuses the revoked certificate: " + tail(srvLog)).isTrue();
        assertThat(count(s1Log2, "Initialization Sequence Completed")).isZero();
        if (layout.equals("shared")) {
            // (a p2p client configures its tun address at start, before any peer answers)
            assertThat(net.addresses6(subnet, "tun0")).doesNotContain(s1Manifest.get("tunnelAddress").asText());
        }
        assertThat(net.ping6(srv, lanPrefix + "2")).as("the revoked client's LAN is no longer reachable").isFalse();
        // and the hermit is unaffected
        assertThat(net.ping6(srv, hermitAddress)).isTrue();
    }

    /** Addresses, routes and log tails of every namespace, for a failure message. */
    private String diagnostics(List<Path> logs) {
        StringBuilder b = new StringBuilder("\n");
        for (String ns : List.of(srv, hermit, subnet, lan)) {
            b.append("== ").append(ns).append('\n');
            try {
                b.append(net.exec(ns, "ip", "-6", "-o", "addr", "show")).append(net.exec(ns, "ip", "-6", "route", "show"));
            } catch (RuntimeException e) {
                b.append(e.getMessage()).append('\n');
            }
        }
        for (Path log : logs) {
            b.append("== ").append(log.getFileName()).append('\n').append(tail(log)).append('\n');
        }
        return b.toString();
    }

    private List<String> addresses(String ns) {
        return net.addresses6(ns, "tun0").stream().map(TunnelTest::address).toList();
    }

    /** The address part of ADDR/LEN. */
    static String address(String cidr) {
        int slash = cidr.indexOf('/');
        return slash < 0 ? cidr : cidr.substring(0, slash);
    }

    /** A link-local server address needs the interface to be pinged. */
    static String pingable(String cidr) {
        String a = address(cidr);
        return a.startsWith("fe80:") ? a + "%tun0" : a;
    }

    static long count(Path log, String needle) {
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            return Files.readAllLines(log).stream().filter(l -> l.contains(needle)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        } catch (IOException e) {
            return "(unreadable " + log + ")";
        }
    }
}
