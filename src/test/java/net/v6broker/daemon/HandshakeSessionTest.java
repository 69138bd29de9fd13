package net.v6broker.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.v6broker.MutableClock;
import net.v6broker.RecordedEffects;
import net.v6broker.broker.Broker;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.home.HomeSetup;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client still in its TLS handshake is listed by OpenVPN with the common name UNDEF. The daemon's
 * check of sessions against the database must leave it alone: UNDEF is a valid client name, and
 * "no such client" killed a client that was connecting (MultiNodeTest's roamer, halted at its
 * first connect). A session of a client the database does not hold is still ended.
 */
class HandshakeSessionTest {
    @TempDir
    Path dir;

    @Test
    void aSessionInItsHandshakeIsNotEndedAndOneOfNoClientIs() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
        SecureRandom random = new SecureRandom();
        BrokerConfig config = new BrokerConfig("2001:db8:100::/40", BrokerConfig.Endpoint.parse("vpn.example.net"), null, null, null);
        Home home = new HomeSetup(clock, random).create(dir.resolve("home"), config);
        try (Store store = Store.open(home.databaseUrl(config), null, null)) {
            CertificateAuthority ca = CertificateAuthority.load(home.read(home.caCertificate()), home.read(home.caKey()), clock, random);
            Broker broker = new Broker(config, store, () -> ca, clock, new RecordedEffects());
            Daemon daemon = new Daemon(home, config, store, broker, clock, random,
                    new Daemon.Options(Layout.SHARED, false, "test", false));
            Path socket = ServerDirs.managementSocket(daemon.serverDir());
            Files.createDirectories(socket.getParent());
            List<String> commands = new CopyOnWriteArrayList<>();
            fakeOpenvpn(socket, commands);
            daemon.pollStatus();
            assertThat(commands).contains("status 3").containsOnlyOnce("client-kill 8 HALT")
                    .noneMatch(c -> c.equals("client-kill 7 HALT"));
            daemon.close();
        }
    }

    @Test
    void noClientMayTakeTheNameOfAHandshake() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.v6broker.broker.NewClient.checkName("Undef"))
                .isInstanceOf(net.v6broker.error.InvalidInputException.class)
                .hasMessage("the name 'Undef' is OpenVPN's for a client still in its handshake; choose another");
        net.v6broker.broker.NewClient.checkName("undefined");
    }

    /** Answers the banner, {@code status 3} with a session in its handshake (id 7) and one of a deleted client (id 8), and kills. */
    private static void fakeOpenvpn(Path socket, List<String> commands) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        long since = Instant.parse("2026-12-03T11:59:00Z").getEpochSecond();
        String status = "TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu\r\n"
                + "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\t"
                + "Connected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher\r\n"
                + "CLIENT_LIST\tUNDEF\t198.51.100.10:38745\t\t\t0\t0\t2026-12-03 11:59:00\t" + since + "\tUNDEF\t7\t0\tNone\r\n"
                + "CLIENT_LIST\tghost\t198.51.100.20:1194\t\t2001:db8:100:1::2\t10\t10\t2026-12-03 11:59:00\t" + since
                + "\tUNDEF\t8\t1\tAES-256-GCM\r\n"
                + "GLOBAL_STATS\tMax bcast/mcast queue length\t0\r\nEND\r\n";
        Thread t = new Thread(() -> {
            try (server; SocketChannel c = server.accept()) {
                c.write(ByteBuffer.wrap(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer in = ByteBuffer.allocate(4096);
                StringBuilder pending = new StringBuilder();
                while (c.read(in) >= 0) {
                    pending.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                    in.clear();
                    int nl;
                    while ((nl = pending.indexOf("\n")) >= 0) {
                        String line = pending.substring(0, nl).strip();
                        pending.delete(0, nl + 1);
                        commands.add(line);
                        String reply = line.startsWith("status") ? status : "SUCCESS: client-kill command succeeded\r\n";
                        c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
                    }
                }
            } catch (IOException e) {
                // the test is over
            }
        }, "fake-openvpn");
        t.setDaemon(true);
        t.start();
    }
}
