package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code v6broker check} on a real tunnel server: run in the server's namespace (its kernel routes),
 * first while the daemon runs (it holds the only management connection, so check falls back to the
 * sessions the daemon recorded), then with the daemon stopped (check asks OpenVPN itself), and
 * then after a revoke that no daemon applied: the revoked client is still connected, a mismatch.
 */
class CheckTest {
    private static final Duration UP = Duration.ofSeconds(40);
    Netns net;
    Path dir;
    Path home;
    String srv;
    String c1;
    String c2;
    Process daemon;

    @BeforeEach
    void underlay() throws IOException {
        Netns.assumeAvailable("check");
        dir = E2e.workDir("check");
        home = dir.resolve("home");
        net = new Netns("chk");
        srv = net.create("srv");
        c1 = net.create("c1");
        c2 = net.create("c2");
        net.bridge(srv, List.of(c1, c2));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (daemon != null) {
            Netns.stop(daemon);
        }
        // the daemon leaves openvpn running by design; this test started it, so it stops it
        E2e.stopOpenvpn(home);
        if (net != null) {
            net.close();
        }
    }

    private String h() {
        return home.toString();
    }

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "net.v6broker.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Run(int code, String out) {
    }

    /** 'v6broker check' in the server's namespace. */
    private Run check() {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", srv));
        cmd.addAll(java("check", "--node", "srv", "--home", h()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("check timed out");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process connect(String ns, String name) throws IOException {
        Path d = dir.resolve("clients");
        Files.createDirectories(d);
        Path archive = d.resolve(name + ".tar.gz");
        ok("client", "export", name, "--format", "tar.gz", "--lan-if", "eth0", "--out", archive.toString(), "--home", h());
        Netns.run("tar", "-xzf", archive.toString(), "-C", d.toString());
        return net.spawn(ns, d.resolve(name), dir.resolve(name + ".log"), "openvpn", "--config", name + ".ovpn");
    }

    @Test
    void checkFallsBackWhileTheDaemonHoldsTheManagementInterfaceAndFindsARevokedClientStillConnected() throws Exception {
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "h1", "--type", "hermit", "--home", h());
        ok("client", "add", "h2", "--type", "hermit", "--home", h());
        daemon = net.spawn(srv, dir, dir.resolve("daemon.log"), java("serve", "--home", h(), "--http", "127.0.0.1:0", "--node", "srv")
                .toArray(String[]::new));
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home)))
                .as("daemon started openvpn: " + TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        connect(c1, "h1");
        connect(c2, "h2");

        // the daemon holds the management connection: check uses the sessions it recorded
        Run[] last = new Run[1];
        assertThat(Netns.await(UP, () -> {
            last[0] = check();
            return last[0].code() == 0 && last[0].out().contains("2 live session(s) (the database)");
        })).as(() -> "consistent while the daemon runs:\n" + last[0].out() + TunnelTest.tail(dir.resolve("daemon.log"))).isTrue();
        assertThat(last[0].out()).contains("is busy or not answering (the daemon holds the only connection while it runs)",
                "all consistent");

        // the daemon stops (openvpn keeps the tunnels): check asks OpenVPN itself
        Netns.stop(daemon);
        daemon = null;
        Run direct = check();
        assertThat(direct.code()).as(direct.out()).isZero();
        assertThat(direct.out()).contains("sessions: from OpenVPN's management interface",
                "checked 2 client(s), 2 live session(s) (OpenVPN's management interface)", "all consistent");

        // a revoke with no daemon to end the session: the CRL refuses h2 only at its next renegotiation
        ok("client", "revoke", "h2", "--home", h());
        Run revoked = check();
        assertThat(revoked.code()).as(revoked.out()).isEqualTo(1);
        assertThat(revoked.out()).contains("MISMATCH h2: its certificate is revoked but it is still connected (from 198.51.100.20:",
                "per OpenVPN): OpenVPN checks the CRL only at the next renegotiation; fix: the daemon ends such a session at once",
                "1 mismatch(es)");
    }
}
