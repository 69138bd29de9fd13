package net.v6broker.ipam;

import net.v6broker.error.InvalidInputException;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv6 prefix: the network bits and the prefix length, with no host bits set.
 * Parsing goes through the JDK's IPv6 literal parser, after a whitelist of the characters a literal
 * may have; arithmetic and formatting are ours. Immutable.
 *
 * <p>Not the IPAddress library here: every command parses the broker's prefix from its
 * configuration, and on a cold JVM that library's first parse is many times slower than the
 * JDK's (docs/decisions.md, 17). IPAddress stays where addresses are compared, in the doctor.
 */
public record Ipv6Prefix(BigInteger network, int length) implements Comparable<Ipv6Prefix> {

    static final BigInteger ADDRESS_SPACE = BigInteger.ONE.shiftLeft(128);

    public Ipv6Prefix {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("IPv6 prefix length " + length + " out of range 0..128");
        }
        if (network.signum() < 0 || network.compareTo(ADDRESS_SPACE) >= 0) {
            throw new IllegalArgumentException("not a 128-bit IPv6 network value: " + network);
        }
        if (!network.and(hostMask(length)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("IPv6 prefix " + Ipv6Prefix.format(network) + "/" + length
                    + " has host bits set: expected " + format(network.andNot(hostMask(length))) + "/" + length);
        }
    }

    /**
     * Parses {@code ADDR/LEN}. Host bits must be zero: {@code 2001:db8::1/64} is refused, naming the
     * network the user probably meant.
     */
    public static Ipv6Prefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("missing IPv6 prefix: expected the form 2001:db8:abba:f100::/56");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash < 0 || !LITERAL.matcher(t.substring(0, slash)).matches() || !LENGTH.matcher(t.substring(slash + 1)).matches()) {
            throw notAPrefix(text);
        }
        int length = Integer.parseInt(t.substring(slash + 1));
        if (length > 128) {
            throw notAPrefix(text);
        }
        InetAddress address;
        try {
            // a literal: the whitelist above (hex digit or ':' first, a ':' inside) keeps this from a DNS lookup
            address = InetAddress.getByName(t.substring(0, slash));
        } catch (UnknownHostException e) {
            throw notAPrefix(text);
        }
        if (!(address instanceof Inet6Address)) { // ::ffff:a.b.c.d comes back as IPv4
            throw notAPrefix(text);
        }
        BigInteger network = new BigInteger(1, address.getAddress());
        if (!network.and(hostMask(length)).equals(BigInteger.ZERO)) {
            throw new InvalidInputException("IPv6 prefix " + text.trim() + " has host bits set: expected "
                    + format(network.andNot(hostMask(length))) + "/" + length);
        }
        return new Ipv6Prefix(network, length);
    }

    /** What an IPv6 literal may consist of; at least one ':' (so that it is never a host name). */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,3}");

    private static InvalidInputException notAPrefix(String text) {
        return new InvalidInputException("'" + text + "' is not an IPv6 prefix: expected the form 2001:db8:abba:f100::/56");
    }

    public static Ipv6Prefix of(BigInteger address, int length) {
        return new Ipv6Prefix(address.andNot(hostMask(length)), length);
    }

    static BigInteger hostMask(int length) {
        return BigInteger.ONE.shiftLeft(128 - length).subtract(BigInteger.ONE);
    }

    /** Number of addresses in this prefix. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(128 - length);
    }

    /** The last address of the prefix. */
    public BigInteger last() {
        return network.add(size()).subtract(BigInteger.ONE);
    }

    public boolean contains(BigInteger address) {
        return address.compareTo(network) >= 0 && address.compareTo(last()) <= 0;
    }

    public boolean contains(Ipv6Prefix other) {
        return other.length >= length && contains(other.network);
    }

    public boolean overlaps(Ipv6Prefix other) {
        return contains(other.network) || other.contains(network);
    }

    /**
     * Compressed text of an address value ("2001:db8::1"): groups in lower-case hex without leading
     * zeros, the longest run of zero groups (the first of equally long ones) written "::". That is
     * RFC 5952 except that, like the IPAddress library's {@code toCompressedString()} this replaces
     * (and {@code Ipv6FormatProperties} compares it with), it also shortens a lone zero group. Made
     * here because the library's took milliseconds on its first call and tens of microseconds
     * after, and a bulk import formats one per client.
     */
    public static String format(BigInteger address) {
        long high = address.shiftRight(64).longValue();
        long low = address.longValue();
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int zerosAt = -1;
        int zeros = 0;
        for (int i = 0; i < 8; i++) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > zeros) {
                zerosAt = i;
                zeros = end - i;
            }
            i = Math.max(i, end);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == zerosAt) {
                text.append("::");
                i += zeros - 1;
            } else {
                if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.toString();
    }

    /** The network address in RFC 5952 form, without the length. */
    public String address() {
        return format(network);
    }

    @Override
    public String toString() {
        return address() + "/" + length;
    }

    @Override
    public int compareTo(Ipv6Prefix o) {
        int c = network.compareTo(o.network);
        return c != 0 ? c : Integer.compare(length, o.length);
    }
}
