package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.v6broker.Processes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls-crypt-v2 keys made in Java, checked against themselves and against the real openvpn: a key
 * that {@code openvpn --genkey tls-crypt-v2-client} wraps with our server key is read back
 * correctly here (openvpn also unwraps it with our server key as its own sanity check), and one
 * wrapped by openvpn with its own server key is read here too.
 */
class TlsCryptV2Test {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path OPENVPN = Path.of("/usr/sbin/openvpn");
    @TempDir
    Path dir;

    @Test
    void aWrappedKeyCarriesItsClientKeyAndMetadataAndOpensOnlyWithItsServerKey() {
        String server = TlsCryptV2.generateServerKey(RANDOM);
        assertThat(server).startsWith("-----BEGIN OpenVPN tls-crypt-v2 server key-----\n")
                .endsWith("\n-----END OpenVPN tls-crypt-v2 server key-----\n");
        TlsCryptV2.Metadata meta = new TlsCryptV2.Metadata(42, "0a1b2c", 1_900_000_000L);
        String client = TlsCryptV2.wrapClientKey(server, meta.bytes(), RANDOM);
        TlsCryptV2.Unwrapped u = TlsCryptV2.unwrapClientKey(server, client);
        assertThat(u.type()).isEqualTo(TlsCryptV2.TYPE_USER);
        assertThat(new String(u.payload(), StandardCharsets.US_ASCII)).isEqualTo("v6b1 42 0A1B2C 1900000000");
        assertThat(TlsCryptV2.Metadata.of(u)).contains(new TlsCryptV2.Metadata(42, "0A1B2C", 1_900_000_000L));
        // Kc (256) || WKc (32 tag + 256 + 26 metadata + 2 length)
        assertThat(TlsCryptV2.unpem(TlsCryptV2.CLIENT_PEM, client, -1)).hasSize(256 + 32 + 256 + 26 + 2);

        String other = TlsCryptV2.generateServerKey(RANDOM);
        assertThatThrownBy(() -> TlsCryptV2.unwrapClientKey(other, client))
                .hasMessageContaining("does not authenticate: tampered with, or made for another tls-crypt-v2 server key");
    }

    @Test
    void aTamperedWrappedKeyOrLengthIsRefused() {
        String server = TlsCryptV2.generateServerKey(RANDOM);
        byte[] file = TlsCryptV2.unpem(TlsCryptV2.CLIENT_PEM, TlsCryptV2.wrapClientKey(server,
                new TlsCryptV2.Metadata(1, "01", 1L).bytes(), RANDOM), -1);
        for (int at : new int[] {256, 256 + 40, file.length - 3}) { // the tag, the ciphertext, the last metadata byte
            byte[] bad = file.clone();
            bad[at] ^= 0x01;
            assertThatThrownBy(() -> TlsCryptV2.unwrapClientKey(server, TlsCryptV2.pem(TlsCryptV2.CLIENT_PEM, bad)))
                    .as("byte " + at).hasMessageContaining("does not authenticate");
        }
        byte[] shortened = Arrays.copyOf(file, file.length - 1);
        assertThatThrownBy(() -> TlsCryptV2.unwrapClientKey(server, TlsCryptV2.pem(TlsCryptV2.CLIENT_PEM, shortened)))
                .hasMessageContaining("says it is");
        byte[] swapped = file.clone();
        swapped[0] ^= 0x01; // the client's copy of Kc no longer matches the wrapped one
        assertThatThrownBy(() -> TlsCryptV2.unwrapClientKey(server, TlsCryptV2.pem(TlsCryptV2.CLIENT_PEM, swapped)))
                .hasMessageContaining("not the one its wrapped part carries");
        assertThatThrownBy(() -> TlsCryptV2.wrapClientKey("-----BEGIN OpenVPN Static key V1-----", new byte[0], RANDOM))
                .hasMessageContaining("not an OpenVPN tls-crypt-v2 server key");
        assertThatThrownBy(() -> TlsCryptV2.wrapClientKey(server, new byte[TlsCryptV2.MAX_METADATA_BYTES + 1], RANDOM))
                .hasMessageContaining("at most " + TlsCryptV2.MAX_METADATA_BYTES);
    }

    @Test
    void openvpnWrapsAClientKeyWithOurServerKeyAndWeReadItBack() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(OPENVPN), "skipped: /usr/sbin/openvpn is missing");
        Path server = Files.writeString(dir.resolve("server.key"), TlsCryptV2.generateServerKey(RANDOM));
        Path client = dir.resolve("client.key");
        String metadata = "v6b1 7 ABCDEF 1900000000";
        // openvpn unwraps what it wrote with our server key before it returns: its own check of our format
        Processes.run(List.of(OPENVPN.toString(), "--tls-crypt-v2", server.toString(), "--genkey", "tls-crypt-v2-client",
                client.toString(), Base64.getEncoder().encodeToString(metadata.getBytes(StandardCharsets.US_ASCII))));
        TlsCryptV2.Unwrapped u = TlsCryptV2.unwrapClientKey(Files.readString(server), Files.readString(client));
        assertThat(TlsCryptV2.Metadata.of(u)).contains(new TlsCryptV2.Metadata(7, "ABCDEF", 1_900_000_000L));

        // without metadata openvpn writes a timestamp of the key's making
        Path stamped = dir.resolve("stamped.key");
        long before = System.currentTimeMillis() / 1000;
        Processes.run(List.of(OPENVPN.toString(), "--tls-crypt-v2", server.toString(), "--genkey", "tls-crypt-v2-client",
                stamped.toString()));
        TlsCryptV2.Unwrapped t = TlsCryptV2.unwrapClientKey(Files.readString(server), Files.readString(stamped));
        assertThat(t.type()).isEqualTo(TlsCryptV2.TYPE_TIMESTAMP);
        long made = java.nio.ByteBuffer.wrap(t.payload()).getLong();
        assertThat(made).isBetween(before - 1, System.currentTimeMillis() / 1000 + 1);
        assertThat(TlsCryptV2.Metadata.of(t)).isEmpty();
    }

    @Test
    void aKeyOpenvpnWrapsWithItsOwnServerKeyIsReadHereAndOursFitsTheSameFormat() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(OPENVPN), "skipped: /usr/sbin/openvpn is missing");
        Path server = dir.resolve("openvpn-server.key");
        Processes.run(List.of(OPENVPN.toString(), "--genkey", "tls-crypt-v2-server", server.toString()));
        Path client = dir.resolve("openvpn-client.key");
        Processes.run(List.of(OPENVPN.toString(), "--tls-crypt-v2", server.toString(), "--genkey", "tls-crypt-v2-client",
                client.toString(), Base64.getEncoder().encodeToString("site".getBytes(StandardCharsets.US_ASCII))));
        String serverPem = Files.readString(server);
        TlsCryptV2.Unwrapped u = TlsCryptV2.unwrapClientKey(serverPem, Files.readString(client));
        assertThat(new String(u.payload(), StandardCharsets.US_ASCII)).isEqualTo("site");
        // a key of ours for openvpn's server key has the layout of openvpn's own, byte for byte in length
        String ours = TlsCryptV2.wrapClientKey(serverPem, u.metadata(), RANDOM);
        assertThat(TlsCryptV2.unpem(TlsCryptV2.CLIENT_PEM, ours, -1))
                .hasSameSizeAs(TlsCryptV2.unpem(TlsCryptV2.CLIENT_PEM, Files.readString(client), -1));
        assertThat(ours.lines().skip(1).findFirst().orElseThrow()).hasSize(64);
    }
}
