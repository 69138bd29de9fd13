package net.v6broker.e2e;

import net.v6broker.CliRunner;
import net.v6broker.Processes;
import net.v6broker.api.ApiServer;
import net.v6broker.api.MetricsTest;
import static net.v6broker.CliRunner.ok;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon as an operator runs it, driven only through the command line: {@code serve} in the
 * server namespace, plain {@code openvpn --config X.ovpn} in the client namespaces. Work files and
 * logs stay under target/e2e/daemon for review.
 */
class DaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    Netns net;
    Path dir;
    Path home;
    String srv;
    String hermit;
    String subnet;
    String lan;
    Process daemon;

    @BeforeEach
    void underlay() throws IOException {
        Netns.assumeAvailable("daemon");
        dir = E2e.workDir("daemon");
        home = dir.resolve("home");
        net = new Netns("dmn");
        Netns.Broker b = net.brokerUnderlay();
        srv = b.srv();
        hermit = b.hermit();
        subnet = b.subnet();
        lan = b.lan();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (daemon != null) {
            Netns.stop(daemon);
        }
        // the daemon leaves openvpn running by design; this test started it, so it stops it
        E2e.stopOpenvpn(home);
        Path perClient = home == null ? null : home.resolve("openvpn-per-client/run");
        if (perClient != null && Files.isDirectory(perClient)) {
            stopPerClient(perClient);
        }
        if (net != null) {
            net.close();
        }
    }

    private String h() {
        return home.toString();
    }

    private Process serve(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", h(), "--http",
                "127.0.0.1:0", "--node", "srv"));
        cmd.addAll(List.of(extra));
        return net.spawn(srv, dir, dir.resolve("daemon.log"), cmd.toArray(String[]::new));
    }

    private long serverPid() {
        try {
            return Long.parseLong(Files.readString(home.resolve("openvpn/run/server.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private Process connect(String ns, String name, String... extra) throws IOException {
        Path d = dir.resolve("clients");
        Files.createDirectories(d);
        Path archive = d.resolve(name + ".tar.gz");
        ok("client", "export", name, "--format", "tar.gz", "--lan-if", "lan0", "--out", archive.toString(), "--home", h());
        Netns.run("tar", "-xzf", archive.toString(), "-C", d.toString());
        return reconnect(ns, name, extra);
    }

    /** Starts openvpn again from the profile exported earlier (as a user would after a disconnect). */
    private Process reconnect(String ns, String name, String... extra) {
        Path d = dir.resolve("clients");
        List<String> cmd = new ArrayList<>(List.of("openvpn", "--config", name + ".ovpn"));
        cmd.addAll(List.of(extra));
        return net.spawn(ns, d.resolve(name), dir.resolve(name + "-" + System.nanoTime() + ".log"), cmd.toArray(String[]::new));
    }

    private String tunnelAddress(String name) throws IOException {
        return TunnelTest.address(JSON.readTree(dir.resolve("clients").resolve(name).resolve("manifest.json").toFile())
                .get("tunnelAddress").asText());
    }

    private boolean hasAddress(String ns, String address) {
        return net.addresses6(ns, "tun0").stream().map(TunnelTest::address).anyMatch(address::equals);
    }

    private JsonNode status(String name) throws IOException {
        for (JsonNode n : JSON.readTree(ok("status", "--json", "--home", h()))) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no status line for " + name);
    }

    @Test
    void runsTheTunnelServerAppliesChangesLiveAndKeepsTunnelsUpWithoutTheDaemon() throws Exception {
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        ok("client", "add", "s1", "--type", "subnet", "--home", h());
        String lanHost = "2001:db8:abba:f101::2";

        daemon = serve();
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home)))
                .as("daemon started openvpn: " + TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        Process h1 = connect(hermit, "h1");
        Process s1 = connect(subnet, "s1");
        String h1Address = tunnelAddress("h1");
        String s1Address = tunnelAddress("s1");
        assertThat(Netns.await(UP, () -> hasAddress(hermit, h1Address) && hasAddress(subnet, s1Address))).isTrue();
        net.address(lan, "eth0", lanHost + "/64");
        net.exec(lan, "ip", "-6", "route", "add", "default", "via", "2001:db8:abba:f101::1");
        assertThat(Netns.await(UP, () -> net.ping6(srv, h1Address))).as("server -> hermit").isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(srv, lanHost))).as("server -> LAN host behind s1").isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(hermit, lanHost))).as("hermit -> LAN host").isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(lan, h1Address))).as("LAN host -> hermit").isTrue();

        // status: sessions from the management interface, with the kernel route (run in srv's namespace)
        assertThat(Netns.await(UP, () -> statusConnected("s1"))).isTrue();
        JsonNode st = JSON.readTree(net.exec(srv, statusCommand()));
        JsonNode s1Status = find(st, "s1");
        assertThat(s1Status.get("realAddress").asText()).startsWith("198.51.100.20:");
        assertThat(s1Status.get("routePresent").asBoolean()).isTrue();
        assertThat(s1Status.get("node").asText()).isEqualTo("srv");
        metricsMatchStatus();

        // revoke: the session ends within 2 s (client-kill HALT stops the client) and it can't come back
        Instant revoked = Instant.now();
        ok("client", "revoke", "s1", "--home", h());
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !s1.isAlive())).as("s1's openvpn halted").isTrue();
        Duration took = Duration.between(revoked, Instant.now());
        assertThat(took).as("session ended within 2 s").isLessThanOrEqualTo(Duration.ofSeconds(2));
        Process again = reconnect(subnet, "s1");
        assertThat(Netns.await(Duration.ofSeconds(15), () -> TunnelTest.count(home.resolve("openvpn/run/server.log"),
                "certificate revoked") > 0)).isTrue();
        Netns.stop(again);
        assertThat(hasAddress(subnet, s1Address)).isFalse();

        // suspend / resume the hermit
        ok("client", "suspend", "h1", "--home", h());
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !h1.isAlive())).as("h1 halted on suspend").isTrue();
        Process h1b = reconnect(hermit, "h1");
        assertThat(Netns.await(Duration.ofSeconds(10), () -> TunnelTest.count(home.resolve("openvpn/run/server.log"),
                "client-config-dir authentication failed") > 0 || TunnelTest.count(home.resolve("openvpn/run/server.log"),
                "no acceptable client-config-dir") > 0 || TunnelTest.count(home.resolve("openvpn/run/server.log"), "ccd-exclusive") > 0))
                .as("suspended hermit refused: " + TunnelTest.tail(home.resolve("openvpn/run/server.log"))).isTrue();
        assertThat(hasAddress(hermit, h1Address)).isFalse();
        Netns.stop(h1b);
        ok("client", "resume", "h1", "--home", h());
        Process h1c = reconnect(hermit, "h1");
        assertThat(Netns.await(UP, () -> net.ping6(srv, h1Address))).as("resumed hermit back").isTrue();

        // openvpn dies: the daemon restarts it and the client comes back with the same address
        long pid = serverPid();
        ProcessHandle.of(pid).orElseThrow().destroy();
        assertThat(Netns.await(UP, () -> serverPid() != pid && serverPid() > 0)).as("daemon restarted openvpn").isTrue();
        assertThat(Netns.await(Duration.ofSeconds(60), () -> hasAddress(hermit, h1Address) && net.ping6(srv, h1Address)))
                .as("hermit back after the server restart").isTrue();

        // the daemon stops: tunnels keep working; a client added meanwhile works when it is back
        Netns.stop(daemon);
        daemon = null;
        assertThat(ProcessHandle.of(serverPid()).map(ProcessHandle::isAlive).orElse(false)).as("openvpn outlives the daemon").isTrue();
        assertThat(net.ping6(srv, h1Address)).as("tunnel works with the daemon down").isTrue();
        ok("client", "add", "s2", "--type", "subnet", "--home", h());
        Process s2 = connect(subnet, "s2");
        String s2Address = tunnelAddress("s2");
        assertThat(Netns.await(UP, () -> hasAddress(subnet, s2Address))).as("client added while the daemon was down connects").isTrue();
        daemon = serve();
        assertThat(Netns.await(UP, () -> statusConnected("s2"))).as("daemon back, adopted openvpn, sees s2").isTrue();
        assertThat(net.ping6(srv, TunnelTest.address(s2Address))).isTrue();
        Netns.stop(s2);
        Netns.stop(h1c);
    }

    /** Waits until the daemon's log says, for the {@code occurrence}th time, that it reconciled its directory; then now. */
    private Instant reconciledAt(int occurrence) {
        Path log = dir.resolve("daemon.log");
        assertThat(Netns.await(UP, () -> TunnelTest.count(log, "v6broker - reconciled ") >= occurrence)).as(TunnelTest.tail(log)).isTrue();
        return Instant.now();
    }

    @Test
    void aChangeMadeWhileTheDaemonIsDownEndsTheSessionWithinTwoSecondsOfItsStartAlsoAfterKillMinus9() throws Exception {
        // regression: the daemon started from the newest event, so a revoke made while it was down never
        // ended the live session (35 s later the revoked client still pinged through its tunnel)
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        ok("client", "add", "s1", "--type", "subnet", "--home", h());
        daemon = serve();
        reconciledAt(1);
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).isTrue();
        Process h1 = connect(hermit, "h1");
        Process s1 = connect(subnet, "s1");
        String h1Address = tunnelAddress("h1");
        String s1Address = tunnelAddress("s1");
        assertThat(Netns.await(UP, () -> net.ping6(srv, h1Address) && net.ping6(srv, s1Address))).isTrue();

        // stopped cleanly: revoke s1 while no daemon runs; openvpn alone keeps the session up
        Netns.stop(daemon);
        ok("client", "revoke", "s1", "--home", h());
        assertThat(net.ping6(srv, s1Address)).as("nothing ends the session while the daemon is down").isTrue();
        daemon = serve();
        Instant started = reconciledAt(2);
        assertThat(Netns.await(Duration.ofSeconds(10), () -> !s1.isAlive())).as(TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        assertThat(Duration.between(started, Instant.now())).as("ended within 2 s of the start").isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !net.ping6(srv, s1Address))).isTrue();

        // a suspend that a resume followed while the daemon was down: replayed, it must not cut h1
        Netns.stop(daemon);
        ok("client", "suspend", "h1", "--home", h());
        ok("client", "resume", "h1", "--home", h());
        daemon = serve();
        reconciledAt(3);
        assertThat(Netns.await(Duration.ofSeconds(10), () -> TunnelTest.count(dir.resolve("daemon.log"), " resume h1:") == 1)).isTrue();
        assertThat(h1.isAlive()).as("an active client's session survives the replay").isTrue();
        assertThat(net.ping6(srv, h1Address)).isTrue();

        // killed with SIGKILL: suspend h1 while it is gone; the next daemon ends h1's session too
        daemon.destroyForcibly();
        assertThat(daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        ok("client", "suspend", "h1", "--home", h());
        assertThat(h1.isAlive()).isTrue();
        daemon = serve();
        Instant again = reconciledAt(4);
        assertThat(Netns.await(Duration.ofSeconds(10), () -> !h1.isAlive())).as(TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        assertThat(Duration.between(again, Instant.now())).as("ended within 2 s of the start").isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(TunnelTest.tail(dir.resolve("daemon.log"))).containsAnyOf("session(s) of h1 ended", "(reconciled against the database)");
    }

    @Test
    void renegotiatingEveryTwentySecondsForAMinuteLosesNoPing() throws Exception {
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        daemon = serve();
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).isTrue();
        Process h1 = connect(hermit, "h1", "--reneg-sec", "20");
        String address = tunnelAddress("h1");
        assertThat(Netns.await(UP, () -> net.ping6(srv, address))).isTrue();
        // an idle client is the case that lost packets after renegotiation when connects were
        // answered over the management interface; here OpenVPN decides alone
        String out = Netns.run("ip", "netns", "exec", srv, "ping", "-6", "-n", "-c", "65", "-i", "1", "-W", "2", address);
        assertThat(out).contains("65 packets transmitted, 65 received, 0% packet loss");
        long renegotiations = Files.list(dir).filter(p -> p.getFileName().toString().startsWith("h1-"))
                .mapToLong(p -> TunnelTest.count(p, "TLS: soft reset")).sum();
        assertThat(renegotiations).as("the client renegotiated during the minute").isGreaterThanOrEqualTo(2);
        Netns.stop(h1);
    }

    @Test
    void servesTheSeedsPerClientLayoutStartingAndStoppingOneOpenvpnPerClient() throws Exception {
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        daemon = serve("--layout", "per-client");
        Path run = home.resolve("openvpn-per-client/run");
        assertThat(Netns.await(UP, () -> Files.exists(run.resolve("h1.pid")))).as(TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        Process h1 = connectPerClient(hermit, "h1");
        String h1Address = tunnelAddress("h1");
        assertThat(Netns.await(UP, () -> net.ping6(srv, h1Address))).as("server -> hermit through its own instance").isTrue();

        // a client added while serving gets its own openvpn at once
        ok("client", "add", "h2", "--type", "hermit", "--home", h());
        assertThat(Netns.await(UP, () -> Files.exists(run.resolve("h2.pid")))).as("daemon started h2's openvpn").isTrue();

        // revoking h1 stops its instance: the session ends and nothing answers on its port
        long pid = Long.parseLong(Files.readString(run.resolve("h1.pid")).trim());
        ok("client", "revoke", "h1", "--home", h());
        assertThat(Netns.await(Duration.ofSeconds(15), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)))
                .as("h1's openvpn stopped").isTrue();
        assertThat(Netns.await(Duration.ofSeconds(15), () -> !net.ping6(srv, h1Address))).isTrue();
        Netns.stop(h1);

        // a client suspended while the daemon is down: its instance, left running, is stopped at the next start
        long h2 = Long.parseLong(Files.readString(run.resolve("h2.pid")).trim());
        Netns.stop(daemon);
        assertThat(ProcessHandle.of(h2).map(ProcessHandle::isAlive).orElse(false)).as("instances outlive the daemon").isTrue();
        ok("client", "suspend", "h2", "--home", h());
        daemon = serve("--layout", "per-client");
        assertThat(Netns.await(UP, () -> ProcessHandle.of(h2).map(p -> !p.isAlive()).orElse(true)))
                .as("h2's openvpn stopped: " + TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        assertThat(Netns.await(Duration.ofSeconds(5), () -> TunnelTest.count(dir.resolve("daemon.log"),
                "openvpn of h2 stopped: the client is not active") == 1)).isTrue();
        stopPerClient(run);
    }

    private Process connectPerClient(String ns, String name) throws IOException {
        Path d = dir.resolve("clients");
        Files.createDirectories(d);
        Path archive = d.resolve(name + ".tar.gz");
        ok("client", "export", name, "--format", "tar.gz", "--layout", "per-client", "--out", archive.toString(), "--home", h());
        Netns.run("tar", "-xzf", archive.toString(), "-C", d.toString());
        return reconnect(ns, name);
    }

    /** The per-client servers outlive the daemon like the shared one; this test started them, so it stops them. */
    private static void stopPerClient(Path run) throws IOException {
        try (Stream<Path> pids = Files.list(run)) {
            for (Path p : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(ProcessHandle::destroy);
            }
        }
    }

    /**
     * {@code GET /metrics} from inside the server namespace while h1 and s1 are connected: the text
     * passes {@code promtool check metrics}, and its sessions and bytes are those {@code status --json}
     * prints (both read the sessions the daemon recorded; a counter flush between the reads is
     * waited out by reading again).
     */
    private void metricsMatchStatus() throws Exception {
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("HTTP on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(Files.readString(dir.resolve("daemon.log")));
        assertThat(port.find()).as("serve printed its HTTP port").isTrue();
        String token = ApiServer.operatorToken(home, "prometheus");
        Path scrape = dir.resolve("metrics.txt");
        String[] last = new String[1];
        assertThat(Netns.await(UP, () -> {
            try {
                long[] before = statusTotals();
                String response = net.exec(srv, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port.group(1)
                        + "; printf 'GET /metrics HTTP/1.0\\r\\nAuthorization: Bearer " + token + "\\r\\n\\r\\n' >&3; cat <&3");
                long[] after = statusTotals();
                String body = response.substring(response.indexOf("\r\n\r\n") + 4);
                Files.writeString(scrape, body);
                java.util.Map<String, Double> m = MetricsTest.samples(body);
                last[0] = "status " + java.util.Arrays.toString(after) + ", metrics " + m;
                return java.util.Arrays.equals(before, after) && response.startsWith("HTTP/1.1 200")
                        && m.get("v6broker_sessions{node=\"srv\"}") == before[0]
                        && m.get("v6broker_session_received_bytes{node=\"srv\"}") == before[1]
                        && m.get("v6broker_session_sent_bytes{node=\"srv\"}") == before[2]
                        && m.get("v6broker_openvpn_up{openvpn=\"server\"}") == 1.0;
            } catch (IOException e) {
                return false;
            }
        })).as(() -> "metrics agree with status --json: " + last[0]).isTrue();
        assertThat(statusTotals()[0]).isEqualTo(2);
        Processes.run(List.of("sh", "-c", "promtool check metrics < " + scrape));
        System.out.println("metrics: " + last[0].replaceAll(", metrics .*", "") + " = /metrics' v6broker_sessions, "
                + "v6broker_session_received_bytes, v6broker_session_sent_bytes; promtool check metrics: OK");
    }

    /** Connected sessions, bytes in and bytes out of all clients, as {@code status --json} prints them. */
    private long[] statusTotals() throws IOException {
        long[] t = new long[3];
        for (JsonNode n : JSON.readTree(ok("status", "--json", "--home", h()))) {
            if (n.get("connected").asBoolean()) {
                t[0]++;
                t[1] += n.path("bytesIn").asLong();
                t[2] += n.path("bytesOut").asLong();
            }
        }
        return t;
    }

    private String[] statusCommand() {
        return new String[] {Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("java.class.path"), "net.v6broker.Main", "status", "--json", "--home", h()};
    }

    private boolean statusConnected(String name) {
        try {
            return status(name).get("connected").asBoolean();
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }
}
