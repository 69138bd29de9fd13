package net.v6broker.ca;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The small subset of ASN.1 DER this package needs to build certificates and CRLs, and to pick
 * apart the few structures it reads (SubjectPublicKeyInfo, PKCS#8, SEC1, key identifiers).
 *
 * <p>Written by hand instead of using Bouncy Castle because the bcprov jar is signed: loading the
 * first class from it verifies the jar's 800 KB signed manifest, which costs about 250 ms per JVM
 * start, more than the whole {@code client add} command otherwise takes.
 *
 * <p>Stateless, therefore thread-safe; {@link Reader} instances are not thread-safe.
 */
final class Der {

    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() {
    }

    /** A complete TLV: {@code tag}, DER length, {@code content}. */
    static byte[] tlv(int tag, byte[] content) {
        int len = content.length;
        int lenBytes = len < 0x80 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : len < 0x1000000 ? 3 : 4;
        byte[] out = new byte[2 + lenBytes + len];
        out[0] = (byte) tag;
        if (lenBytes == 0) {
            out[1] = (byte) len;
        } else {
            out[1] = (byte) (0x80 | lenBytes);
            for (int i = 0; i < lenBytes; i++) {
                out[2 + i] = (byte) (len >>> (8 * (lenBytes - 1 - i)));
            }
        }
        System.arraycopy(content, 0, out, 2 + lenBytes, len);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    /** {@code [n] EXPLICIT} (constructed context-specific) wrapping of an encoded element. */
    static byte[] explicit(int n, byte[] element) {
        return tlv(0xa0 | n, element);
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0)});
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING holding whole bytes (no unused bits). */
    static byte[] bitString(byte[] value) {
        byte[] content = new byte[value.length + 1];
        System.arraycopy(value, 0, content, 1, value.length);
        return tlv(BIT_STRING, content);
    }

    /**
     * A named-bit BIT STRING (such as KeyUsage) with the given bit numbers set (bit 0 is the most
     * significant bit of the first byte), trailing zero bits removed as DER requires.
     */
    static byte[] namedBits(int... bits) {
        int highest = -1;
        for (int b : bits) {
            highest = Math.max(highest, b);
        }
        if (highest < 0) {
            return new byte[] {BIT_STRING, 1, 0};
        }
        byte[] content = new byte[1 + highest / 8 + 1];
        for (int b : bits) {
            content[1 + b / 8] |= (byte) (0x80 >>> (b % 8));
        }
        content[0] = (byte) (7 - highest % 8);
        return tlv(BIT_STRING, content);
    }

    static byte[] utf8String(String value) {
        return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An OBJECT IDENTIFIER from dotted form, e.g. {@code "2.5.29.19"}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("OID needs at least two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, BigInteger.valueOf(Long.parseLong(arcs[0]) * 40).add(new BigInteger(arcs[1])));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, new BigInteger(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, BigInteger value) {
        int groups = Math.max(1, (value.bitLength() + 6) / 7);
        for (int g = groups - 1; g >= 0; g--) {
            int septet = value.shiftRight(7 * g).intValue() & 0x7f;
            out.write(g == 0 ? septet : septet | 0x80);
        }
    }

    /**
     * An X.509 Time as RFC 5280 requires: whole seconds (truncated), UTCTime for years 1950-2049 and
     * GeneralizedTime otherwise.
     *
     * @throws IllegalArgumentException for years outside 0000-9999
     */
    static byte[] time(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("time " + instant + " cannot be encoded in X.509");
        }
        boolean utc = year >= 1950 && year <= 2049;
        byte[] text = new byte[utc ? 13 : 15];
        int i = utc ? digits(text, 0, year % 100, 2) : digits(text, 0, year, 4);
        i = digits(text, i, t.getMonthValue(), 2);
        i = digits(text, i, t.getDayOfMonth(), 2);
        i = digits(text, i, t.getHour(), 2);
        i = digits(text, i, t.getMinute(), 2);
        i = digits(text, i, t.getSecond(), 2);
        text[i] = 'Z';
        return tlv(utc ? UTC_TIME : GENERALIZED_TIME, text);
    }

    private static int digits(byte[] out, int pos, int value, int count) {
        for (int k = count - 1; k >= 0; k--) {
            out[pos + k] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return pos + count;
    }

    /**
     * Sequential reader over DER elements of one buffer range. Every method throws
     * {@link CaException} on malformed input.
     *
     * <p>Not thread-safe.
     */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] der) {
            this(der, 0, der.length);
        }

        private Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        /** Tag of the next element, without consuming it. */
        int peekTag() {
            if (pos >= end) {
                throw new CaException("malformed DER: unexpected end of data");
            }
            return buf[pos] & 0xff;
        }

        /** Consumes the next element, which must have {@code tag}, and returns its content. */
        byte[] read(int tag) {
            int[] range = next(tag);
            byte[] out = new byte[range[1] - range[0]];
            System.arraycopy(buf, range[0], out, 0, out.length);
            return out;
        }

        /** Consumes the next element, which must have {@code tag}, and returns its whole TLV. */
        byte[] readElement(int tag) {
            int start = pos;
            next(tag);
            byte[] out = new byte[pos - start];
            System.arraycopy(buf, start, out, 0, out.length);
            return out;
        }

        /** Consumes a constructed element with {@code tag} and returns a reader over its content. */
        Reader enter(int tag) {
            int[] range = next(tag);
            return new Reader(buf, range[0], range[1]);
        }

        /** Consumes the next element whatever its tag. */
        void skip() {
            next(peekTag());
        }

        private int[] next(int tag) {
            int actual = peekTag();
            if (actual != tag) {
                throw new CaException(String.format("malformed DER: expected tag 0x%02x, found 0x%02x"
                        + " at offset %d", tag, actual, pos));
            }
            int p = pos + 1;
            if (p >= end) {
                throw new CaException("malformed DER: missing length at offset " + p);
            }
            int first = buf[p++] & 0xff;
            int len;
            if (first < 0x80) {
                len = first;
            } else {
                int n = first & 0x7f;
                if (n == 0 || n > 3 || p + n > end) {
                    throw new CaException("malformed DER: bad length at offset " + (p - 1));
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (buf[p++] & 0xff);
                }
            }
            if (len > end - p) {
                throw new CaException("malformed DER: element at offset " + pos + " overruns its container");
            }
            pos = p + len;
            return new int[] {p, p + len};
        }
    }
}
