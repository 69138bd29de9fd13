package net.v6broker.ipam;

import java.math.BigInteger;

/** An address with the prefix length of its on-link network, as in {@code ip addr add 2001:db8::1/112}. */
public record InterfaceAddress(BigInteger value, int length) {

    public InterfaceAddress {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0..128");
        }
        if (value.signum() < 0 || value.compareTo(Ipv6Prefix.ADDRESS_SPACE) >= 0) {
            throw new IllegalArgumentException("not an IPv6 address value: " + value);
        }
    }

    public static InterfaceAddress parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' lacks a prefix length: expected the form 2001:db8::1/64");
        }
        Ipv6Prefix network = Ipv6Prefix.of(Ipv6Prefix.parse(text.substring(0, slash) + "/128").network(),
                128);
        return new InterfaceAddress(network.network(), Integer.parseInt(text.substring(slash + 1)));
    }

    /** The address alone, RFC 5952 form. */
    public String address() {
        return Ipv6Prefix.format(value);
    }

    public Ipv6Prefix network() {
        return Ipv6Prefix.of(value, length);
    }

    @Override
    public String toString() {
        return address() + "/" + length;
    }
}
