package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import net.v6broker.CliRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker with connected clients moved to a new CA: {@code ca rollover start} (openvpn re-reads
 * the CA bundle, the clients reconnect once with the profiles they have), {@code client renew}
 * (each client reconnects once with its new profile), {@code ca rollover finish}, refused while a
 * client still holds a certificate of the previous CA (the server re-reads its new certificate,
 * the clients reconnect once more). Each client is back after each step; the times are printed.
 * Logs under target/e2e/ca-rollover.
 */
class CaRolloverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    Netns net;
    Path dir;
    Path home;
    Netns.Broker b;
    final List<String> figures = new ArrayList<>();

    @BeforeEach
    void underlay() throws IOException {
        Netns.assumeAvailable("CA rollover");
        dir = E2e.workDir("ca-rollover");
        home = dir.resolve("home");
        net = new Netns("rol");
        b = net.brokerUnderlay();
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
        E2e.stopOpenvpn(home);
    }

    private String h() {
        return home.toString();
    }

    /** Exports the client's current profile into its own directory (a fresh one each time) and starts openvpn with it. */
    private Process connect(String ns, String name, String round) throws IOException {
        Path d = Files.createDirectories(dir.resolve(round));
        Path archive = d.resolve(name + ".tar.gz");
        ok("client", "export", name, "--format", "tar.gz", "--lan-if", "lan0", "--out", archive.toString(), "--home", h());
        Netns.run("tar", "-xzf", archive.toString(), "-C", d.toString());
        return net.spawn(ns, d.resolve(name), log(name, round), "openvpn", "--config", name + ".ovpn");
    }

    private Path log(String name, String round) {
        return dir.resolve(name + "-" + round + ".log");
    }

    private String address(String name) throws IOException {
        return TunnelTest.address(JSON.readTree(dir.resolve("first").resolve(name).resolve("manifest.json").toFile())
                .get("tunnelAddress").asText());
    }

    private long completed(String name, String round) {
        return TunnelTest.count(log(name, round), "Initialization Sequence Completed");
    }

    /** Waits for {@code back} and records how long it took since {@code from}. */
    private void back(String step, Instant from, BooleanSupplier back) {
        assertThat(Netns.await(UP, back)).as(step + ": " + TunnelTest.tail(home.resolve("openvpn/run/server.log"))).isTrue();
        figures.add(step + ": " + Duration.between(from, Instant.now()).toMillis() + " ms");
    }

    @Test
    void connectedClientsMoveToANewCaWithOneReconnectAStep() throws Exception {
        CliRunner.init(home, "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        ok("client", "add", "s1", "--type", "subnet", "--home", h());
        ok("client", "add", "h2", "--type", "hermit", "--home", h());
        net.spawn(b.srv(), dir, dir.resolve("daemon.log"), Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", h(), "--http", "127.0.0.1:0",
                "--node", "srv");
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).isTrue();
        Process h1 = connect(b.hermit(), "h1", "first");
        Process s1 = connect(b.subnet(), "s1", "first");
        String h1Address = address("h1");
        String s1Address = address("s1");
        back("both up", Instant.now(), () -> net.ping6(b.srv(), h1Address) && net.ping6(b.srv(), s1Address));

        // 1. start: openvpn re-reads the bundle; the clients reconnect on their own with the profiles they have
        Instant started = Instant.now();
        assertThat(ok("ca", "rollover", "start", "--home", h())).contains("rollover started");
        back("start: both back with their old profiles", started, () -> completed("h1", "first") >= 2
                && completed("s1", "first") >= 2 && net.ping6(b.srv(), h1Address) && net.ping6(b.srv(), s1Address));
        assertThat(TunnelTest.count(home.resolve("openvpn/ca.crt"), "BEGIN CERTIFICATE")).isEqualTo(2);
        assertThat(TunnelTest.count(home.resolve("openvpn/crl.pem"), "BEGIN X509 CRL")).isEqualTo(2);

        // 2. renew under the new CA: each client reconnects once, with its new profile
        assertThat(ok("client", "renew", "h1", "s1", "--home", h())).contains("2 client(s) renewed");
        Instant renewed = Instant.now();
        Netns.stop(h1);
        Netns.stop(s1);
        h1 = connect(b.hermit(), "h1", "second");
        s1 = connect(b.subnet(), "s1", "second");
        back("renew: both back with their new profiles", renewed, () -> completed("h1", "second") >= 1
                && completed("s1", "second") >= 1 && net.ping6(b.srv(), h1Address) && net.ping6(b.srv(), s1Address));
        assertThat(Files.readString(log("h1", "second"))).contains("VERIFY OK: depth=1, CN=v6broker-CA");

        // 3. finish: refused while h2 holds a certificate of the previous CA, then done
        CliRunner.Run refused = CliRunner.run("ca", "rollover", "finish", "--home", h());
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.err()).contains("h2", "nothing was changed");
        ok("client", "revoke", "h2", "--home", h());
        Instant finished = Instant.now();
        assertThat(ok("ca", "rollover", "finish", "--home", h())).contains("rollover finished");
        back("finish: both back, verifying the server under the new CA", finished, () -> completed("h1", "second") >= 2
                && completed("s1", "second") >= 2 && net.ping6(b.srv(), h1Address) && net.ping6(b.srv(), s1Address));
        assertThat(TunnelTest.count(home.resolve("openvpn/ca.crt"), "BEGIN CERTIFICATE")).isEqualTo(1);
        assertThat(Files.readString(log("h1", "second"))).containsPattern("VERIFY OK: depth=1, CN=v6broker-CA-[0-9]{12}");
        assertThat(ok("audit", "--home", h())).contains("ca-change", "CA rollover started", "CA rollover finished");
        // the old profile, of the previous CA, is of no use any more
        Process old = net.spawn(b.hermit(), dir.resolve("first").resolve("h1"), log("h1", "old"), "openvpn", "--config", "h1.ovpn");
        assertThat(Netns.await(UP, () -> TunnelTest.count(log("h1", "old"), "VERIFY ERROR") > 0
                || TunnelTest.count(log("h1", "old"), "TLS Error") > 0 || !old.isAlive())).isTrue();
        assertThat(completed("h1", "old")).isZero();
        figures.forEach(f -> System.out.println("ca rollover: " + f));
    }
}
