package net.v6broker.ipam;

import java.math.BigInteger;
import java.util.List;

/**
 * One region of the address plan: the aligned blocks of one prefix length that subnet clients of
 * that size get. Blocks are numbered within the broker's prefix P (block {@code k} of size {@code s}
 * is {@code P + k * 2^(128-s)}); the region holds blocks {@code first} to {@code last}. The plan keeps
 * its regions apart from each other, from the transfer /64 and from the hermit /64.
 *
 * <p>Immutable.
 */
public record Region(int size, long first, long last) {
    /** The sizes a subnet client can have, smallest block first. */
    public static final List<Integer> SIZES = List.of(64, 60, 56, 48);
    static final String ACCEPTED_SIZES = "accepted sizes: 64, 60, 56, 48";

    public Region {
        if (!SIZES.contains(size)) {
            throw new IllegalArgumentException("a region of /" + size + "s; " + ACCEPTED_SIZES);
        }
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("region of /" + size + "s from block " + first + " to " + last);
        }
    }

    /** How many blocks it holds. */
    public long capacity() {
        return last - first + 1;
    }

    /** The /64s in one block. */
    public long slash64sPerBlock() {
        return 1L << (64 - size);
    }

    /** Its first /64, numbered in P. */
    public long firstSlash64() {
        return first << (64 - size);
    }

    /** Its last /64, numbered in P. */
    public long lastSlash64() {
        return ((last + 1) << (64 - size)) - 1;
    }

    /** Whether the /64 numbered {@code slash64} in P lies in one of its blocks. */
    public boolean holdsSlash64(long slash64) {
        return slash64 >= firstSlash64() && slash64 <= lastSlash64();
    }

    /** Block {@code k} as a prefix of P. */
    public Ipv6Prefix block(Ipv6Prefix p, long k) {
        return new Ipv6Prefix(p.network().add(BigInteger.valueOf(k).shiftLeft(128 - size)), size);
    }

    /** The allocation pool's name in the database: {@code subnet} for /64s (as before regions), else {@code subnet56}. */
    public String pool() {
        return pool(size);
    }

    /** The pool of subnet blocks of a size. */
    public static String pool(int size) {
        return size == 64 ? "subnet" : "subnet" + size;
    }

    /** "the /56 region (2001:db8:100:8000::/56..2001:db8:100:feff::/56)" for messages. */
    public String describe(Ipv6Prefix p) {
        return "the /" + size + " region (" + block(p, first) + " .. " + block(p, last) + ")";
    }
}
