package net.v6broker.ipam;

import net.v6broker.error.InvalidInputException;

import net.v6broker.client.ClientKind;

import java.math.BigInteger;

/**
 * The broker's address plan over its prefix P (JOIN's plan, generalised from their /56):
 *
 * <ul>
 *   <li>the first /64 of P holds transfer (routing) addresses only;
 *   <li>the last /64 of P holds hermit clients, one /128 each, from {@code ::100} upwards
 *       ({@code ::0} to {@code ::ff} stay for the servers' own addresses);
 *   <li>every other /64 is one subnet client's prefix, numbered by its index (1 = the second /64).
 * </ul>
 *
 * <p>A subnet client's transfer network is a /112 in the transfer /64 whose interface identifier
 * carries the varying bits of its /64: the low 16 bits of the /64 when P is /48../60, the low 32
 * bits when P is /32../47. For the seed's 2001:638:500:f100::/56 this gives exactly the seed's
 * 2001:638:500:f100::f1ab:1/112 (server) and ::f1ab:2/112 (client) for 2001:638:500:f1ab::/64.
 *
 * <p>Pure arithmetic: immutable and thread-safe.
 */
public record AddressPlan(Ipv6Prefix prefix) {

    public static final int MIN_LENGTH = 32;
    public static final int MAX_LENGTH = 60;
    /** First hermit host index; lower ones are reserved for servers. */
    public static final long FIRST_HERMIT = 0x100;
    /** Last hermit host index (the pool is capped to what a long counts). */
    public static final long LAST_HERMIT = Long.MAX_VALUE;
    static final String ACCEPTED = "accepted: an IPv6 prefix from /32 to /60 with no host bits, "
            + "such as 2001:db8:abba:f100::/56";

    private static final BigInteger SLASH64 = BigInteger.ONE.shiftLeft(64);
    /**
     * A hermit's link ends, fe80::1/64 (server) and fe80::2/64 (client): made once, by arithmetic,
     * since parsing them for every hermit was a fifth of a bulk import's database thread.
     */
    private static final BigInteger LINK_LOCAL = BigInteger.valueOf(0xfe80).shiftLeft(112);
    private static final InterfaceAddress HERMIT_SERVER = new InterfaceAddress(LINK_LOCAL.add(BigInteger.ONE), 64);
    private static final InterfaceAddress HERMIT_CLIENT = new InterfaceAddress(LINK_LOCAL.add(BigInteger.TWO), 64);

    public AddressPlan {
        if (prefix.length() < MIN_LENGTH || prefix.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(tooShortOrLong(prefix));
        }
    }

    /** Parses P and checks it against the plan's limits; the message names the accepted form. */
    public static AddressPlan parse(String text) {
        Ipv6Prefix p;
        try {
            p = Ipv6Prefix.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + "; " + ACCEPTED);
        }
        if (p.length() < MIN_LENGTH || p.length() > MAX_LENGTH) {
            throw new InvalidInputException(tooShortOrLong(p));
        }
        return new AddressPlan(p);
    }

    private static String tooShortOrLong(Ipv6Prefix prefix) {
        return "prefix " + prefix + " is a /" + prefix.length()
                + ", the broker needs room for a transfer /64, a hermit /64 and subnet /64s; " + ACCEPTED;
    }

    /** Number of /64s in P. */
    public long slash64Count() {
        return 1L << (64 - prefix.length());
    }

    public Ipv6Prefix transferNetwork() {
        return slash64(0);
    }

    public Ipv6Prefix hermitNetwork() {
        return slash64(slash64Count() - 1);
    }

    /** First usable index of a pool. */
    public long first(ClientKind pool) {
        return pool == ClientKind.HERMIT ? FIRST_HERMIT : 1;
    }

    /** Last usable index of a pool. */
    public long last(ClientKind pool) {
        return pool == ClientKind.HERMIT ? LAST_HERMIT : slash64Count() - 2;
    }

    /** How many clients a pool can hold. */
    public long capacity(ClientKind pool) {
        return last(pool) - first(pool) + 1;
    }

    /** The pool as a prefix for messages: the hermit /64, or P for subnets. */
    public Ipv6Prefix poolPrefix(ClientKind pool) {
        return pool == ClientKind.HERMIT ? hermitNetwork() : prefix;
    }

    /** The assignment for one index of a pool. */
    public Assignment assignment(ClientKind pool, long index) {
        if (index < first(pool) || index > last(pool)) {
            throw new IllegalArgumentException(pool.cliName() + " index " + index + " outside "
                    + first(pool) + ".." + last(pool) + " of " + prefix);
        }
        if (pool == ClientKind.HERMIT) {
            BigInteger address = hermitNetwork().network().add(BigInteger.valueOf(index));
            return new Assignment(pool, index, new Ipv6Prefix(address, 128), HERMIT_SERVER, HERMIT_CLIENT);
        }
        Ipv6Prefix subnet = slash64(index);
        BigInteger transfer = transferNetwork().network().add(transferIdentifier(subnet));
        return new Assignment(pool, index, subnet,
                new InterfaceAddress(transfer.add(BigInteger.ONE), 112),
                new InterfaceAddress(transfer.add(BigInteger.TWO), 112));
    }

    /**
     * The index a client's prefix has in its pool, the inverse of {@link #assignment}: used to check
     * a stored prefix against the plan.
     */
    public long indexOf(ClientKind pool, Ipv6Prefix clientPrefix) {
        if (!prefix.contains(clientPrefix)) {
            throw new IllegalArgumentException(clientPrefix + " is outside the broker's prefix " + prefix);
        }
        if (pool == ClientKind.HERMIT) {
            return clientPrefix.network().subtract(hermitNetwork().network()).longValueExact();
        }
        return clientPrefix.network().subtract(prefix.network()).shiftRight(64).longValueExact();
    }

    /**
     * The pool and index of the assignment that holds {@code address}: a hermit's /128, a subnet
     * client's /64, or a subnet client's transfer /112; empty for an address no client can hold (the
     * servers' own, outside P). Whether a client holds it now is the database's to say.
     */
    public java.util.Optional<Held> assignmentHolding(BigInteger address) {
        if (!prefix.contains(address)) {
            return java.util.Optional.empty();
        }
        long slash64 = address.subtract(prefix.network()).shiftRight(64).longValueExact();
        long host = address.and(SLASH64.subtract(BigInteger.ONE)).longValue();
        if (slash64 == slash64Count() - 1) {
            return host >= FIRST_HERMIT ? java.util.Optional.of(new Held(ClientKind.HERMIT, host)) : java.util.Optional.empty();
        }
        if (slash64 > 0) {
            return java.util.Optional.of(new Held(ClientKind.SUBNET, slash64));
        }
        long index = (host >>> 16) & (slash64Count() - 1); // the /112's identifier carries the /64's varying bits
        if (index < first(ClientKind.SUBNET) || index > last(ClientKind.SUBNET)
                || !assignment(ClientKind.SUBNET, index).transferServer().network().contains(address)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Held(ClientKind.SUBNET, index));
    }

    /** An index of a pool, as {@link #assignmentHolding} finds it. */
    public record Held(ClientKind pool, long index) {
    }

    private Ipv6Prefix slash64(long index) {
        return new Ipv6Prefix(prefix.network().add(BigInteger.valueOf(index).multiply(SLASH64)), 64);
    }

    /** The /112's base inside the transfer /64: the /64's varying bits, shifted past the 16 host bits. */
    private BigInteger transferIdentifier(Ipv6Prefix subnet) {
        int varying = 64 - prefix.length();
        int kept = ((varying + 15) / 16) * 16;
        BigInteger upper = subnet.network().shiftRight(64);
        return upper.and(BigInteger.ONE.shiftLeft(kept).subtract(BigInteger.ONE)).shiftLeft(16);
    }

    /** The pool's usage for messages: "subnet pool 2001:db8::/56 exhausted: 254 of 254 /64s in use". */
    PoolExhaustedException exhausted(ClientKind pool, long used) {
        String unit = pool == ClientKind.HERMIT ? " addresses" : " /64s";
        return new PoolExhaustedException(pool.cliName() + " pool " + poolPrefix(pool) + " exhausted: "
                + used + " of " + capacity(pool) + unit + " in use");
    }
}
