package net.v6broker.doctor;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import net.v6broker.cli.Cli;
import net.v6broker.config.Home;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'v6broker check' through the real command line, on a real SQLite home and this machine's kernel routes. */
class CheckCommandTest {
    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void home() {
        home = dir.resolve("home");
        String h = home.toString();
        CliRunner.init(home, "198.51.100.1:1194");
        assertThat(run("client", "add", "s1", "--type", "subnet", "--home", h).code()).isZero();
        assertThat(run("client", "add", "s2", "--type", "subnet", "--home", h).code()).isZero();
    }

    private void recordSession(String name) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (Store store = Store.openSqlite(new Home(home).database())) {
            store.inTransaction(tx -> {
                tx.upsertSession(new SessionRow(0, "test", name, 4, "198.51.100.20:1194", "", now.minusSeconds(30), now, 1, 2, null));
                return null;
            });
        }
    }

    @Test
    void aHomeWithNoSessionsAndNoOpenvpnIsConsistentAndExitsZero() {
        CliRunner.Run r = run("check", "--node", "test", "--home", home.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("sessions: no management socket found (is openvpn running?); using the sessions the daemon "
                + "recorded in the database", "checked 2 client(s), 0 live session(s) (the database)", "all consistent");
    }

    @Test
    void aRevokedClientTheDatabaseStillCountsConnectedIsAMismatchAndExitsOne() {
        run("client", "revoke", "s2", "--home", home.toString());
        recordSession("s2");
        CliRunner.Run r = run("check", "--node", "test", "--home", home.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("MISMATCH s2: its certificate is revoked but it is still connected (from 198.51.100.20:1194",
                "per the database)", "client-kill 4 HALT", "1 mismatch(es)");
    }

    @Test
    void aCrlNearItsNextUpdateIsAMismatch() {
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(25)), ZoneOffset.UTC);
        CliRunner.Run r = run(later, "check", "--node", "test", "--home", home.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).containsPattern("MISMATCH CRL: CRL #1 expires at .*, in (4|5) days: less than a third of ca.crlDays "
                + "\\(30 days\\) is left; fix: the daemon and every change re-issue the CRL");
    }

    @Test
    void anOlderCrlOnDiskThanInTheDatabaseIsAMismatch() throws Exception {
        Path crl = new Home(home).crl();
        String first = Files.readString(crl);
        run("client", "revoke", "s2", "--home", home.toString());
        Files.writeString(crl, first);
        CliRunner.Run r = run("check", "--node", "test", "--home", home.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("MISMATCH CRL: " + crl + " holds CRL #1, the database #2: OpenVPN there still accepts "
                + "certificates revoked since");
    }

    @Test
    void aBusyManagementSocketFallsBackToTheSessionsTheDaemonRecorded() throws Exception {
        Path socket = dir.resolve("mgmt.sock");
        // a management socket that accepts and says nothing, as OpenVPN's does while the daemon holds it
        try (ServerSocketChannel busy = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            busy.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel held = busy.accept()) {
                    held.read(java.nio.ByteBuffer.allocate(64));
                } catch (java.io.IOException ignored) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            CliRunner.Run r = run("check", "--node", "test", "--management", socket.toString(), "--home", home.toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("sessions: the management interface " + socket + " is busy or not answering (the daemon "
                    + "holds the only connection while it runs): using the sessions the daemon recorded in the database",
                    "(the database)", "all consistent");
        }
    }

    @Test
    void anInvalidNodeNameIsRefused() {
        assertThat(run("check", "--node", "a;b", "--home", home.toString()).code()).isEqualTo(Cli.INVALID);
    }
}
