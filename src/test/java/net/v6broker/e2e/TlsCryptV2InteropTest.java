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
 * tls-crypt-v2 keys made in Java against the real openvpn 2.6, in namespaces: the shared server of
 * a home in migration ({@code openvpn.tlsCrypt: v1+v2}) takes a client with the key its export
 * wrapped for it and, on the same socket, a client with a v1 profile (as exported before v2); it
 * drops, before any TLS, a client whose wrapped key was tampered with, one wrapped for another
 * server key and, through the verify hook, a revoked client's, and its log says why.
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
        // a home made before v2 keeps taking its v1 profiles until the operator sets openvpn.tlsCrypt to v2
        Path config = Path.of(h, "config.json");
        // and the operator turns on the verify hook, which refuses a revoked certificate's key before TLS
        Files.writeString(config, Files.readString(config).replace("\"tlsCrypt\" : \"v2\"", "\"tlsCrypt\" : \"v1+v2\"")
                .replace("\"verifyRevokedKeys\" : false", "\"verifyRevokedKeys\" : true"));
        Path server = dir.resolve("server");
        ok("server", "config", "--layout", "shared", "--out", server.toString(), "--home", h);
        String serverConf = Files.readString(server.resolve("server.conf"));
        assertThat(serverConf).contains("tls-crypt-v2 " + server.resolve("tls-crypt-v2.key"), "tls-crypt " + server.resolve("tls-crypt.key"),
                "tls-crypt-v2-verify " + server.resolve("tls-crypt-v2-verify.sh"));
        Path srvLog = dir.resolve("server.log");
        net.spawn(srv, server, srvLog, "openvpn", "--config", server.resolve("server.conf").toString(), "--verb", "4");
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "Initialization Sequence Completed") >= 1))
                .as(() -> "server started: " + TunnelTest.tail(srvLog)).isTrue();

        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        String alienServer = TlsCryptV2.generateServerKey(RANDOM);
        for (String name : List.of("v2", "v1", "bad", "alien")) {
            Path ovpn = profiles.resolve(name + ".ovpn");
            ok("client", "export", name, "--format", "ovpn", "--out", ovpn.toString(), "--home", h);
            String profile = Files.readString(ovpn);
            assertThat(profile).contains("<tls-crypt-v2>\n-----BEGIN OpenVPN tls-crypt-v2 client key-----").doesNotContain("<tls-crypt>");
            String block = switch (name) {
                case "v1" -> "<tls-crypt>\n" + Files.readString(server.resolve("tls-crypt.key")) + "</tls-crypt>"; // as exported before v2
                case "bad" -> "<tls-crypt-v2>\n" + tamper(between(profile)) + "</tls-crypt-v2>";
                case "alien" -> "<tls-crypt-v2>\n" + TlsCryptV2.wrapClientKey(alienServer,
                        new TlsCryptV2.Metadata(1, "01", 1_900_000_000L).bytes(), RANDOM) + "</tls-crypt-v2>";
                default -> null;
            };
            if (block != null) {
                Files.writeString(ovpn, profile.replaceAll("(?s)<tls-crypt-v2>.*</tls-crypt-v2>",
                        java.util.regex.Matcher.quoteReplacement(block)));
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
        assertThat(TunnelTest.count(srvLog, "TLS CRYPT V2 VERIFY SCRIPT OK")).as("the verify hook took v2's key").isEqualTo(1);

        // revoked: the CRL's serial reaches the directory's revoked/ at once, and the hook refuses the key
        // before TLS (the CRL would refuse the certificate only after it)
        ok("client", "revoke", "v2", "--home", h);
        try (var revoked = Files.list(server.resolve("revoked"))) {
            assertThat(revoked.map(p -> p.getFileName().toString()).toList()).hasSize(1);
        }
        long verifiedBefore = TunnelTest.count(srvLog, "CN=v2");
        Path again = dir.resolve("v2-again.log");
        net.spawn(clients.get(0), profiles, again, "openvpn", "--config", "v2.ovpn", "--connect-retry-max", "2");
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "TLS CRYPT V2 VERIFY SCRIPT ERROR") >= 1))
                .as(() -> "the revoked client's key is refused by the verify hook: " + TunnelTest.tail(srvLog)).isTrue();
        assertThat(TunnelTest.count(srvLog, "CN=v2")).as("no TLS for it").isEqualTo(verifiedBefore);
        assertThat(TunnelTest.count(again, "Initialization Sequence Completed")).isZero();
    }

    /** The PEM between a profile's tls-crypt-v2 tags. */
    private static String between(String profile) {
        return profile.substring(profile.indexOf("<tls-crypt-v2>\n") + "<tls-crypt-v2>\n".length(), profile.indexOf("</tls-crypt-v2>"));
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
