package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsCryptKeyTest {

    /** Deterministic stand-in: byte i of every request is i (mod 256). */
    private static final class CountingRandom extends SecureRandom {
        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
        }
    }

    @Test
    void writesExactlyTheOpenvpnGenkeyFormat() {
        String key = TlsCryptKey.generate(new SecureRandom());

        List<String> lines = key.lines().toList();
        assertThat(key).endsWith("-----END OpenVPN Static key V1-----\n");
        assertThat(lines).hasSize(4 + 16 + 1);
        assertThat(lines.subList(0, 4)).containsExactly(
                "#", "# 2048 bit OpenVPN static key", "#", "-----BEGIN OpenVPN Static key V1-----");
        assertThat(lines.subList(4, 20)).allMatch(l -> l.matches("[0-9a-f]{32}"));
        assertThat(lines.get(20)).isEqualTo("-----END OpenVPN Static key V1-----");
    }

    @Test
    void encodesAll256RandomBytesInOrder() {
        String key = TlsCryptKey.generate(new CountingRandom());

        String hex = String.join("", key.lines().toList().subList(4, 20));
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(bytes).hasSize(256);
        for (int i = 0; i < 256; i++) {
            assertThat(bytes[i]).isEqualTo((byte) i);
        }
        assertThat(key.lines().toList().get(4)).isEqualTo("000102030405060708090a0b0c0d0e0f");
    }

    @Test
    void generatesDifferentKeysEachTime() {
        SecureRandom random = new SecureRandom();
        assertThat(TlsCryptKey.generate(random)).isNotEqualTo(TlsCryptKey.generate(random));
    }
}
