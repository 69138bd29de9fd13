package net.v6broker.ca;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.x509.Time;

/** The times of certificates and CRLs, encoded as X.509 requires. */
final class X509Time {
    private X509Time() {
    }

    /**
     * An X.509 Time as RFC 5280 (section 4.1.2.5) requires: whole seconds (truncated), UTCTime
     * {@code YYMMDDHHMMSSZ} for years 1950-2049 and GeneralizedTime {@code YYYYMMDDHHMMSSZ} otherwise.
     *
     * <p>Written here rather than by Bouncy Castle's {@code new Time(Date)}, which formats through a
     * new {@code SimpleDateFormat} and, on a cold JVM, its locale data (docs/decisions.md, 18). The
     * DER is parsed back by Bouncy Castle, which checks it.
     *
     * @throws IllegalArgumentException for years outside 0001-9999
     */
    static Time of(Instant instant) {
        OffsetDateTime t = instant.atOffset(ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1 || year > 9999) {
            throw new IllegalArgumentException("time " + instant + " cannot be encoded in X.509");
        }
        boolean utcTime = year >= 1950 && year <= 2049;
        byte[] der = new byte[utcTime ? 15 : 17];
        der[0] = (byte) (utcTime ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
        der[1] = (byte) (der.length - 2);
        int at = utcTime ? digits(der, 2, year % 100, 2) : digits(der, 2, year, 4);
        at = digits(der, at, t.getMonthValue(), 2);
        at = digits(der, at, t.getDayOfMonth(), 2);
        at = digits(der, at, t.getHour(), 2);
        at = digits(der, at, t.getMinute(), 2);
        at = digits(der, at, t.getSecond(), 2);
        der[at] = 'Z';
        try {
            return Time.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode time " + instant, e);
        }
    }

    /** Writes {@code value} as {@code count} ASCII decimal digits at {@code at}; returns the next index. */
    private static int digits(byte[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + count;
    }

    /** {@code instant} as a {@link Date} for the builders, after the same check as {@link #of}. */
    static Date date(Instant instant) {
        int year = instant.atOffset(ZoneOffset.UTC).getYear();
        if (year < 1 || year > 9999) {
            throw new IllegalArgumentException("time " + instant + " cannot be encoded in X.509");
        }
        return Date.from(instant);
    }
}
