package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;

/**
 * jqwik properties of the X.509 times the CA writes, kept apart from the JUnit tests so each engine
 * reports its own class.
 */
class X509TimePropertiesTest {

    private static final CertificateAuthority CA = CertificateAuthority.create(KeyType.EC_P256, "time-ca",
            Duration.ofDays(1), Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC),
            new SecureRandom());

    @Property(tries = 300)
    void timesHaveWholeSecondsInUtcAndTheRfc5280Type(
            @ForAll @LongRange(min = -631_152_000L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        int year = instant.atZone(ZoneOffset.UTC).getYear();
        boolean utc = year >= 1950 && year <= 2049;
        String expected = DateTimeFormatter.ofPattern(utc ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(instant);

        ASN1Primitive time = X509Time.of(instant).toASN1Primitive();

        assertThat(time).isEqualTo(utc ? new ASN1UTCTime(expected) : new ASN1GeneralizedTime(expected));
    }

    @Property(tries = 50)
    void revocationTimesReadBackByTheJdkTruncatedToTheSecond(
            @ForAll @LongRange(min = -631_152_000L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant revokedAt = Instant.ofEpochSecond(epochSecond, nanos);

        X509CRL crl = Pem.readCrl(CA.issueCrlPem(List.of(new RevokedEntry(BigInteger.TEN, revokedAt)),
                BigInteger.ONE, Duration.ofDays(1)));

        assertThat(crl.getRevokedCertificate(BigInteger.TEN).getRevocationDate().toInstant())
                .isEqualTo(revokedAt.truncatedTo(ChronoUnit.SECONDS));
    }
}
