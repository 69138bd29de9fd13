package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** jqwik properties of {@link Der}, kept apart from the JUnit tests so each engine reports its own class. */
class DerPropertiesTest {

    @Property(tries = 200)
    void readsBackWhatItWrites(@ForAll @IntRange(min = 0, max = 70_000) int length) {
        byte[] content = new byte[length];
        for (int i = 0; i < length; i++) {
            content[i] = (byte) (i * 31);
        }
        byte[] nested = Der.sequence(Der.octetString(content), Der.integer(length));

        Der.Reader seq = new Der.Reader(nested).enter(Der.SEQUENCE);
        assertThat(seq.read(Der.OCTET_STRING)).isEqualTo(content);
        assertThat(new BigInteger(seq.read(Der.INTEGER))).isEqualTo(BigInteger.valueOf(length));
        assertThat(seq.hasMore()).isFalse();
    }

    @Property(tries = 300)
    void integersRoundTripThroughTwosComplement(@ForAll BigInteger value) {
        assertThat(new BigInteger(new Der.Reader(Der.integer(value)).read(Der.INTEGER))).isEqualTo(value);
    }

    @Property(tries = 300)
    void timesHaveWholeSecondsInUtc(
            @ForAll @LongRange(min = -631_152_000L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        int year = instant.atZone(ZoneOffset.UTC).getYear();
        boolean utc = year >= 1950 && year <= 2049;
        String expected = DateTimeFormatter.ofPattern(utc ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(instant);

        byte[] der = Der.time(instant);

        assertThat(der[0]).isEqualTo((byte) (utc ? Der.UTC_TIME : Der.GENERALIZED_TIME));
        assertThat(new String(new Der.Reader(der).read(der[0]), StandardCharsets.US_ASCII))
                .isEqualTo(expected);
    }
}
