package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void encodesKeyUsageBitsWithoutTrailingZeroBits() {
        assertThat(hex(Der.namedBits(0, 2))).isEqualTo("030205a0"); // digitalSignature, keyEncipherment
        assertThat(hex(Der.namedBits(0, 4))).isEqualTo("03020388"); // digitalSignature, keyAgreement
        assertThat(hex(Der.namedBits(5, 6))).isEqualTo("03020106"); // keyCertSign, cRLSign
        assertThat(hex(Der.namedBits(0, 8))).isEqualTo("0303078080"); // spills into a second byte
    }

    @Test
    void encodesObjectIdentifiers() {
        assertThat(hex(Der.oid("1.2.840.113549.1.1.11"))).isEqualTo("06092a864886f70d01010b");
        assertThat(hex(Der.oid("2.5.29.19"))).isEqualTo("0603551d13");
        assertThat(hex(Der.oid("1.2.840.10045.3.1.7"))).isEqualTo("06082a8648ce3d030107");
    }

    @Test
    void encodesLongLengthsInLongForm() {
        assertThat(hex(Der.tlv(0x04, new byte[127])).substring(0, 4)).isEqualTo("047f");
        assertThat(hex(Der.tlv(0x04, new byte[128])).substring(0, 6)).isEqualTo("048180");
        assertThat(hex(Der.tlv(0x04, new byte[256])).substring(0, 8)).isEqualTo("04820100");
    }

    @Test
    void encodesIntegersAsMinimalTwosComplement() {
        assertThat(hex(Der.integer(0))).isEqualTo("020100");
        assertThat(hex(Der.integer(127))).isEqualTo("02017f");
        assertThat(hex(Der.integer(128))).isEqualTo("02020080");
        assertThat(hex(Der.integer(2))).isEqualTo("020102");
    }

    @Test
    void encodesTimesAsUtcTimeUntil2049AndGeneralizedTimeAfter() {
        assertThat(hex(Der.time(Instant.parse("2025-03-01T12:34:56.789Z"))))
                .isEqualTo("170d" + hex("250301123456Z".getBytes(StandardCharsets.US_ASCII)));
        assertThat(hex(Der.time(Instant.parse("2049-12-31T23:59:59Z"))))
                .isEqualTo("170d" + hex("491231235959Z".getBytes(StandardCharsets.US_ASCII)));
        assertThat(hex(Der.time(Instant.parse("2050-01-01T00:00:00Z"))))
                .isEqualTo("180f" + hex("20500101000000Z".getBytes(StandardCharsets.US_ASCII)));
        assertThat(hex(Der.time(Instant.parse("1949-12-31T23:59:59Z"))))
                .isEqualTo("180f" + hex("19491231235959Z".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void rejectsTimesBeyondYear9999() {
        assertThatThrownBy(() -> Der.time(Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be encoded");
    }

    @Test
    void readerRejectsTruncatedInput() {
        byte[] truncated = {0x30, 0x05, 0x02, 0x01};
        assertThatThrownBy(() -> new Der.Reader(truncated).enter(Der.SEQUENCE))
                .isInstanceOf(CaException.class).hasMessageContaining("overruns");
    }

    @Test
    void readerRejectsUnexpectedTag() {
        assertThatThrownBy(() -> new Der.Reader(Der.integer(1)).read(Der.SEQUENCE))
                .isInstanceOf(CaException.class).hasMessageContaining("expected tag 0x30, found 0x02");
    }

    @Test
    void readerRejectsEmptyInput() {
        assertThatThrownBy(() -> new Der.Reader(new byte[0]).read(Der.INTEGER))
                .isInstanceOf(CaException.class).hasMessageContaining("unexpected end");
    }
}
