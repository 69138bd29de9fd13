package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import net.v6broker.ca.TlsCryptV2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * tls-crypt-v2 keys made in Java against the real openvpn 2.6, in namespaces: a server holding our
 * tls-crypt-v2 server key beside the home's tls-crypt (v1) key takes a client with its own wrapped
 * key and, on the same socket, a client with a v1 profile (the migration path of a home made before
 * v2); it drops, before any TLS, a client whose wrapped key was tampered with and one wrapped for
 * another server key, and its log says why.
 */
class TlsCryptV2InteropTest {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    Netns net;

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void ourWrappedKeysConnectBesideV1ProfilesAndTamperedOrForeignOnesAreDroppedBeforeTls() throws Exception {
        Netns.assumeAvailable("tls-crypt-v2 interop");
        net = new Netns("tc2");
        String srv = net.create("srv");
        List<String> clients = List.of(net.create("v2"), net.create("v1"), net.create("bad"), net.create("alien"));
        net.bridge(srv, clients);

        Path dir = E2e.workDir("tls-crypt-v2");
        String h = dir.resolve("home").toString();
        ok("init", "--home", h, "--prefix", "2001:db8:abba:f100::/56", "--endpoint", "198.51.100.1:1194");
        for (String name : List.of("v2", "v1", "bad", "alien")) {
            ok("client", "add", name, "--type", "hermit", "--home", h);
        }
        Path server = dir.resolve("server");
        ok("server", "config", "--layout", "shared", "--out", server.toString(), "--home", h);
        String serverKey = TlsCryptV2.generateServerKey(RANDOM);
        Files.writeString(server.resolve("tls-crypt-v2.key"), serverKey);
        // both wrappings on one server: v1 profiles keep working while v2 ones are handed out
        Files.writeString(server.resolve("server.conf"), "tls-crypt-v2 " + server.resolve("tls-crypt-v2.key") + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        Path srvLog = dir.resolve("server.log");
        net.spawn(srv, server, srvLog, "openvpn", "--config", server.resolve("server.conf").toString(), "--verb", "4");
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "Initialization Sequence Completed") >= 1))
                .as(() -> "server started: " + TunnelTest.tail(srvLog)).isTrue();

        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        String alienServer = TlsCryptV2.generateServerKey(RANDOM);
        for (String name : List.of("v2", "v1", "bad", "alien")) {
            Path ovpn = profiles.resolve(name + ".ovpn");
            ok("client", "export", name, "--format", "ovpn", "--out", ovpn.toString(), "--home", h);
            if (!name.equals("v1")) {
                String key = TlsCryptV2.wrapClientKey(name.equals("alien") ? alienServer : serverKey,
                        new TlsCryptV2.Metadata(1, "01", 1_900_000_000L).bytes(), RANDOM);
                if (name.equals("bad")) {
                    key = tamper(key);
                }
                Files.writeString(ovpn, Files.readString(ovpn).replaceAll("(?s)<tls-crypt>.*</tls-crypt>",
                        java.util.regex.Matcher.quoteReplacement("<tls-crypt-v2>\n" + key + "</tls-crypt-v2>")));
            }
        }
        Path[] logs = new Path[4];
        for (int i = 0; i < 4; i++) {
            String name = List.of("v2", "v1", "bad", "alien").get(i);
            logs[i] = dir.resolve(name + ".log");
            net.spawn(clients.get(i), profiles, logs[i], "openvpn", "--config", name + ".ovpn", "--connect-retry-max", "3");
        }
        assertThat(Netns.await(UP, () -> TunnelTest.count(logs[0], "Initialization Sequence Completed") >= 1))
                .as(() -> "the v2 client connects: " + TunnelTest.tail(logs[0]) + TunnelTest.tail(srvLog)).isTrue();
        assertThat(Netns.await(UP, () -> TunnelTest.count(logs[1], "Initialization Sequence Completed") >= 1))
                .as(() -> "the v1 client connects to the same server: " + TunnelTest.tail(logs[1])).isTrue();
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "client key authentication error") >= 2))
                .as(() -> "the tampered and the foreign key are refused at unwrapping: " + TunnelTest.tail(srvLog)).isTrue();
        assertThat(TunnelTest.count(srvLog, "Control Channel: using tls-crypt-v2 key")).isGreaterThanOrEqualTo(3);
        assertThat(TunnelTest.count(logs[2], "Initialization Sequence Completed")).isZero();
        assertThat(TunnelTest.count(logs[3], "Initialization Sequence Completed")).isZero();
        assertThat(TunnelTest.count(srvLog, "CN=bad") + TunnelTest.count(srvLog, "CN=alien"))
                .as("no TLS with them: their certificates never reached the server").isZero();
    }

    /** The same key file with one bit of its wrapped part's ciphertext flipped. */
    private static String tamper(String pem) {
        String[] lines = pem.split("\n");
        byte[] file = java.util.Base64.getMimeDecoder().decode(String.join("", java.util.Arrays.copyOfRange(lines, 1, lines.length - 1)));
        file[256 + 40] ^= 0x01;
        return "-----BEGIN OpenVPN tls-crypt-v2 client key-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(file)
                + "\n-----END OpenVPN tls-crypt-v2 client key-----\n";
    }
}
