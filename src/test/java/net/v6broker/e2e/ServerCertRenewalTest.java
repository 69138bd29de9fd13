package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.CliRunner;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.ca.Pem;
import net.v6broker.config.Home;
import net.v6broker.home.HomeCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server certificate renewed by the daemon with clients connected: a certificate 10 days from
 * its end (under the 30 of ca.serverRenewDays) is replaced, openvpn reloads it in place, and both
 * clients are back within seconds, verifying the new certificate. Logs under target/e2e/server-cert.
 */
class ServerCertRenewalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    Netns net;
    Path dir;
    Path home;
    Netns.Broker b;

    @BeforeEach
    void underlay() throws IOException {
        Netns.assumeAvailable("server certificate renewal");
        dir = E2e.workDir("server-cert");
        home = dir.resolve("home");
        net = new Netns("crt");
        b = net.brokerUnderlay();
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
        E2e.stopOpenvpn(home);
    }

    private Process serve(String log) {
        return net.spawn(b.srv(), dir, dir.resolve(log), Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", home.toString(), "--http",
                "127.0.0.1:0", "--node", "srv");
    }

    private Process connect(String ns, String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve("clients"));
        Path archive = d.resolve(name + ".tar.gz");
        ok("client", "export", name, "--format", "tar.gz", "--lan-if", "lan0", "--out", archive.toString(), "--home", home.toString());
        Netns.run("tar", "-xzf", archive.toString(), "-C", d.toString());
        return net.spawn(ns, d.resolve(name), dir.resolve(name + ".log"), "openvpn", "--config", name + ".ovpn");
    }

    private String address(String name) throws IOException {
        return TunnelTest.address(JSON.readTree(dir.resolve("clients").resolve(name).resolve("manifest.json").toFile())
                .get("tunnelAddress").asText());
    }

    private static BigInteger serial(Path certificate) throws IOException {
        return Pem.readCertificate(Files.readString(certificate)).getSerialNumber();
    }

    @Test
    void theDaemonRenewsTheServerCertificateAndTheClientsAreBackWithinSeconds() throws Exception {
        CliRunner.init(home, "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", home.toString());
        ok("client", "add", "s1", "--type", "subnet", "--home", home.toString());
        Process daemon = serve("daemon-1.log");
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).isTrue();
        connect(b.hermit(), "h1");
        connect(b.subnet(), "s1");
        String h1 = address("h1");
        String s1 = address("s1");
        assertThat(Netns.await(UP, () -> net.ping6(b.srv(), h1) && net.ping6(b.srv(), s1))).as("both clients up").isTrue();

        // time passes: the daemon is down while the server certificate comes within 10 days of its end
        Netns.stop(daemon);
        Home h = new Home(home);
        IssuedCertificate ending = HomeCa.load(h, Clock.systemUTC(), new SecureRandom()).issueServer("server", Duration.ofDays(10));
        Home.writeAtomically(h.serverKey(), ending.privateKeyPem(), Home.PRIVATE);
        Home.writeAtomically(h.serverCertificate(), ending.certificatePem(), Home.PUBLIC);
        BigInteger old = ending.serial();

        Instant started = Instant.now();
        serve("daemon-2.log");
        Path log = dir.resolve("daemon-2.log");
        assertThat(Netns.await(UP, () -> TunnelTest.count(log, "reloads its configuration and the new server certificate") > 0))
                .as(TunnelTest.tail(log)).isTrue();
        Instant reloaded = Instant.now();
        BigInteger renewed = serial(home.resolve("server/server.crt"));
        assertThat(renewed).isNotEqualTo(old);
        assertThat(serial(home.resolve("openvpn/server.crt"))).as("the rendered copy").isEqualTo(renewed);
        assertThat(Pem.readCertificate(Files.readString(home.resolve("server/server.crt"))).getNotAfter().toInstant())
                .isAfter(Instant.now().plus(Duration.ofDays(800)));

        // both clients come back on their own, and each has verified the server again
        assertThat(Netns.await(UP, () -> TunnelTest.count(dir.resolve("h1.log"), "Initialization Sequence Completed") >= 2
                && TunnelTest.count(dir.resolve("s1.log"), "Initialization Sequence Completed") >= 2
                && net.ping6(b.srv(), h1) && net.ping6(b.srv(), s1))).as(TunnelTest.tail(dir.resolve("h1.log"))).isTrue();
        Duration back = Duration.between(reloaded, Instant.now());
        System.out.printf("server certificate renewed %d ms after the daemon started; both clients back %d ms after the reload%n",
                Duration.between(started, reloaded).toMillis(), back.toMillis());
        assertThat(TunnelTest.count(home.resolve("openvpn/run/server.log"), "SIGHUP")).isPositive();
        assertThat(back).as("clients back within seconds").isLessThan(Duration.ofSeconds(20));
        List<String> again = new ArrayList<>(List.of(Files.readString(dir.resolve("daemon-2.log")).split("\n")));
        assertThat(again).anyMatch(l -> l.contains("server certificate renewed, valid until"));
    }
}
