package net.v6broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.v6broker.store.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two tunnel servers on one PostgreSQL, each in its own namespace with its own daemon and openvpn:
 *
 * <pre>
 *   db (198.51.100.5, PostgreSQL, bridge br0) ── nodeA 198.51.100.1 ── nodeB 198.51.100.2 ── client 198.51.100.10
 * </pre>
 *
 * Every v6broker command runs as a process inside a node's namespace, as an operator on that node
 * would run it. Work files and logs stay under target/e2e/multinode.
 */
class MultiNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(60);
    Netns net;
    PostgresServer pg;
    Path dir;
    String db;
    String nodeA;
    String nodeB;
    String client;
    final List<Process> daemons = new ArrayList<>();

    @BeforeEach
    void underlay() throws IOException {
        Assumptions.assumeTrue(Netns.available() && PostgresServer.available(),
                "skipped: needs root, iproute2, openvpn and Debian's postgresql (run ./run-tests as root)");
        dir = E2e.workDir("multinode");
        net = new Netns("mnd");
        db = net.create("db");
        nodeA = net.create("a");
        nodeB = net.create("b");
        client = net.create("client");
        net.exec(db, "ip", "link", "add", "br0", "type", "bridge");
        net.exec(db, "ip", "link", "set", "br0", "up");
        net.address(db, "br0", "198.51.100.5/24");
        String[][] ports = {{nodeA, "1"}, {nodeB, "2"}, {client, "10"}};
        for (String[] p : ports) {
            net.link(db, "p" + p[1], p[0], "eth0");
            net.exec(db, "ip", "link", "set", "p" + p[1], "master", "br0");
            net.address(p[0], "eth0", "198.51.100." + p[1] + "/24");
        }
        for (String n : List.of(nodeA, nodeB)) {
            net.exec(n, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        }
        pg = PostgresServer.start(Optional.of(db), "198.51.100.5", 5432);
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Process d : daemons) {
            Netns.stop(d);
        }
        for (String home : List.of("homeA", "homeB")) {
            E2e.stopOpenvpn(dir == null ? null : dir.resolve(home));
        }
        if (pg != null) {
            pg.close();
        }
        if (net != null) {
            net.close();
        }
    }

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "net.v6broker.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs a v6broker command in a node's namespace; fails the test when it fails. */
    private String v6(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(java(args));
        return Netns.run(cmd.toArray(String[]::new));
    }

    private Process v6async(String ns, String log, String... args) {
        return net.spawn(ns, dir, dir.resolve(log), java(args).toArray(String[]::new));
    }

    private String home(String node) {
        return dir.resolve("home" + node).toString();
    }

    @Test
    void twoNodesShareOneDatabaseAndAClientKeepsItsAddressWhenItMovesBetweenThem() throws Exception {
        String a = home("A");
        String b = home("B");
        Path password = dir.resolve("pg-password");
        Files.writeString(password, pg.password() + "\n");
        String url = "jdbc:postgresql://198.51.100.5:5432/v6broker";
        v6(nodeA, "init", "--home", a, "--prefix", "2001:db8:abba::/48", "--endpoint", "198.51.100.1:1194");
        v6(nodeA, "db", "migrate-to", "postgres", "--url", url, "--user", pg.user(), "--password-file", password.toString(),
                "--home", a);
        v6(nodeA, "node", "add", "--endpoint", "198.51.100.2:1194", "--out", dir.resolve("b.tar.gz").toString(), "--home", a);
        v6(nodeB, "init", "--join", dir.resolve("b.tar.gz").toString(), "--home", b);

        // 100 clients added at once on both nodes (two imports of 50 in small batches, interleaving)
        for (String side : List.of("a", "b")) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                lines.add(side + i + "," + (i % 2 == 0 ? "subnet" : "hermit"));
            }
            Files.write(dir.resolve(side + ".csv"), lines);
        }
        Process ia = v6async(nodeA, "import-a.log", "client", "import", dir.resolve("a.csv").toString(), "--home", a);
        Process ib = v6async(nodeB, "import-b.log", "client", "import", dir.resolve("b.csv").toString(), "--home", b);
        assertThat(ia.waitFor(180, java.util.concurrent.TimeUnit.SECONDS) && ib.waitFor(180, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        assertThat(ia.exitValue()).as(TunnelTest.tail(dir.resolve("import-a.log"))).isZero();
        assertThat(ib.exitValue()).as(TunnelTest.tail(dir.resolve("import-b.log"))).isZero();
        assertThat(pg.psql("v6broker", "SELECT count(*) FROM clients")).isEqualTo("100");
        assertThat(pg.psql("v6broker", "SELECT count(DISTINCT type || ':' || pool_index) FROM clients")).isEqualTo("100");
        assertThat(pg.psql("v6broker", "SELECT count(DISTINCT serial) FROM clients")).isEqualTo("100");

        // both daemons serve the same clients
        daemons.add(v6async(nodeA, "daemon-a.log", "serve", "--home", a, "--node", "node-a", "--http", "127.0.0.1:0"));
        daemons.add(v6async(nodeB, "daemon-b.log", "serve", "--home", b, "--node", "node-b", "--http", "127.0.0.1:0"));
        for (String h : List.of(a, b)) {
            assertThat(Netns.await(UP, () -> E2e.managementSocketUp(Path.of(h)))).as(h).isTrue();
        }

        // the roaming client: its profile lists both nodes
        Path profile = dir.resolve("roamer.ovpn");
        v6(nodeA, "client", "add", "roamer", "--type", "hermit", "--home", a);
        v6(nodeA, "client", "export", "roamer", "--format", "ovpn", "--out", profile.toString(), "--home", a);
        assertThat(Files.readString(profile)).contains("remote 198.51.100.1 1194").contains("remote 198.51.100.2 1194")
                .contains("remote-random");
        String address = TunnelTest.address(JSON.readTree(v6(nodeB, "client", "show", "roamer", "--json", "--home", b))
                .get("prefix").asText());
        Process roamer = net.spawn(client, dir, dir.resolve("roamer.log"), "openvpn", "--config", profile.toString());
        String first = awaitNodeOf("roamer", a);
        String firstNs = first.equals("node-a") ? nodeA : nodeB;
        String otherNs = first.equals("node-a") ? nodeB : nodeA;
        assertThat(Netns.await(UP, () -> net.ping6(firstNs, address))).as("the node the client is on reaches it").isTrue();

        // that node goes away: the client reconnects to the other with the same address, the route follows
        int index = first.equals("node-a") ? 0 : 1;
        Netns.stop(daemons.get(index));
        E2e.stopOpenvpn(Path.of(first.equals("node-a") ? a : b));
        String second = awaitNodeOf("roamer", first.equals("node-a") ? b : a, first);
        assertThat(second).isNotEqualTo(first);
        assertThat(Netns.await(UP, () -> net.ping6(otherNs, address))).as("the other node reaches the moved client").isTrue();
        assertThat(net.addresses6(client, "tun0").stream().map(TunnelTest::address)).contains(address);

        // revoking it on the first node's command line (whose daemon is down) ends its session on the
        // other node within 2 seconds: the event reaches that node's daemon through the database
        // (measured to the other daemon's kill: the client then takes 2 s more to exit, as its
        // profile's explicit-exit-notify tells the server it is going)
        Path otherLog = dir.resolve(second.equals("node-a") ? "daemon-a.log" : "daemon-b.log");
        Instant revoked = Instant.now();
        v6(firstNs, "client", "revoke", "roamer", "--home", first.equals("node-a") ? a : b);
        assertThat(Netns.await(Duration.ofSeconds(10), () -> TunnelTest.count(otherLog, "1 session(s) of roamer ended") == 1))
                .as("the other node's daemon ended the session").isTrue();
        assertThat(Duration.between(revoked, Instant.now())).isLessThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(Netns.await(Duration.ofSeconds(10), () -> !roamer.isAlive())).as("client halted").isTrue();
        assertThat(TunnelTest.count(otherLog, "revoke roamer: client file of roamer removed"))
                .as("the other node's daemon applied the revoke").isEqualTo(1);
    }

    /** Polls status (run on a node) until the client shows as connected, on a node other than {@code not}. */
    private String awaitNodeOf(String name, String home, String... not) {
        String[] found = new String[1];
        String ns = home.endsWith("homeA") ? nodeA : nodeB;
        boolean ok = Netns.await(UP, () -> {
            try {
                for (JsonNode n : JSON.readTree(v6(ns, "status", "--json", "--home", home))) {
                    if (n.get("name").asText().equals(name) && n.get("connected").asBoolean()
                            && !List.of(not).contains(n.get("node").asText())) {
                        found[0] = n.get("node").asText();
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
            return false;
        });
        assertThat(ok).as(name + " connected (not on " + List.of(not) + "): " + TunnelTest.tail(dir.resolve("roamer.log"))).isTrue();
        return found[0];
    }
}
