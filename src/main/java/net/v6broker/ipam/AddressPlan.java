package net.v6broker.ipam;

import net.v6broker.error.InvalidInputException;

import net.v6broker.client.ClientKind;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The broker's address plan over its prefix P (JOIN's plan, generalised from their /56):
 *
 * <ul>
 *   <li>the first /64 of P holds transfer (routing) addresses only;
 *   <li>the last /64 of P holds hermit clients, one /128 each, from {@code ::100} upwards
 *       ({@code ::0} to {@code ::ff} stay for the servers' own addresses);
 *   <li>subnet clients get aligned blocks of their size (/64, /60, /56 or /48) from the plan's
 *       {@link Region}s, one region per size, apart from each other and from those two /64s. A plan
 *       made before regions has one: every other /64 of P, numbered by its index (1 = the second /64).
 * </ul>
 *
 * <p>A P of /61 to /64 makes a hermit-only plan: no regions and no transfer /64; hermits come from
 * the last /64 of P (for a /64, P itself).
 *
 * <p>A subnet client's transfer network is a /112 in the transfer /64 whose interface identifier
 * carries the varying bits of its prefix's first /64: the low 16 bits of that /64 when P is
 * /48../60, the low 32 bits when P is /32../47. Blocks of the regions never share a first /64, so no
 * two prefixes share a /112, whatever their sizes. For the seed's 2001:638:500:f100::/56 this gives
 * exactly the seed's 2001:638:500:f100::f1ab:1/112 (server) and ::f1ab:2/112 (client) for
 * 2001:638:500:f1ab::/64.
 *
 * <p>Pure arithmetic: immutable and thread-safe.
 */
public record AddressPlan(Ipv6Prefix prefix, List<Region> regions) {

    public static final int MIN_LENGTH = 32;
    public static final int MAX_LENGTH = 64;
    /** The shortest P of a hermit-only plan. */
    public static final int HERMIT_ONLY_FROM = 61;
    /** First hermit host index; lower ones are reserved for servers. */
    public static final long FIRST_HERMIT = 0x100;
    /** Last hermit host index (the pool is capped to what a long counts). */
    public static final long LAST_HERMIT = Long.MAX_VALUE;
    /** The longest P a home takes: a /64, hermits only (from /61 on). */
    public static final int MAX_HOME_LENGTH = 64;
    static final String ACCEPTED = "accepted: an IPv6 prefix from /32 to /64 with no host bits, "
            + "such as 2001:db8:abba:f100::/56 (a /61../64 serves hermits only)";

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
        regions = List.copyOf(regions);
        checkRegions(prefix, regions);
    }

    /** The plan as it was before regions: one region of every /64 between the transfer and the hermit /64. */
    public AddressPlan(Ipv6Prefix prefix) {
        this(prefix, prefix.length() >= HERMIT_ONLY_FROM ? List.of()
                : List.of(new Region(64, 1, (1L << (64 - prefix.length())) - 2)));
    }

    /** Parses P and checks it against the plan's limits; the message names the accepted form. */
    public static AddressPlan parse(String text) {
        return new AddressPlan(parsePrefix(text));
    }

    /** P as text, checked against the plan's limits. */
    public static Ipv6Prefix parsePrefix(String text) {
        Ipv6Prefix p;
        try {
            p = Ipv6Prefix.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage() + "; " + ACCEPTED);
        }
        if (p.length() < MIN_LENGTH || p.length() > MAX_HOME_LENGTH) {
            throw new InvalidInputException(tooShortOrLong(p));
        }
        return p;
    }

    private static String tooShortOrLong(Ipv6Prefix prefix) {
        return "prefix " + prefix + " is a /" + prefix.length() + (prefix.length() > MAX_LENGTH
                ? ", longer than the /64 that hermits need; " : ", too large for a plan's block numbers; ") + ACCEPTED;
    }

    // ---- layouts

    /**
     * The sizes a new plan over a P of this length offers by default: /64 always (from /61 on, none:
     * hermits only), /56 from a /48 on, /48 from a /40 on (docs/decisions.md, 22).
     */
    public static List<Integer> defaultSizes(int length) {
        if (length >= HERMIT_ONLY_FROM) {
            return List.of();
        }
        List<Integer> sizes = new ArrayList<>(List.of(64));
        if (length <= 48) {
            sizes.add(56);
        }
        if (length <= 40) {
            sizes.add(48);
        }
        return List.copyOf(sizes);
    }

    /**
     * A new plan with a region of each size: /64 alone takes every /64 but the transfer and the hermit
     * one (the plan before regions); with larger sizes the /64 region takes the lower half of P, and the
     * upper half is cut into equal parts, a power of two of them, one for each larger size in order
     * (smaller blocks first; a part left over stays free for a region added later). The last part's
     * last block, which holds the hermit /64, is left out.
     *
     * @throws InvalidInputException naming the accepted sizes when a size is unknown, repeated, /64 is
     *         missing, or a part of P is too small for one block of its size
     */
    public static AddressPlan layout(Ipv6Prefix p, List<Integer> sizes) {
        if (p.length() >= HERMIT_ONLY_FROM) {
            if (!sizes.isEmpty()) {
                throw new InvalidInputException("a /" + p.length() + " holds hermits only (a subnet needs a /60 or"
                        + " shorter prefix); give no --sizes, or a prefix of /60 or shorter");
            }
            return new AddressPlan(p, List.of());
        }
        List<Integer> larger = new ArrayList<>();
        for (int size : sizes) {
            if (!Region.SIZES.contains(size)) {
                throw new InvalidInputException("size /" + size + " is not offered; " + Region.ACCEPTED_SIZES);
            }
            if (size != 64 && larger.contains(size)) {
                throw new InvalidInputException("size /" + size + " given twice; " + Region.ACCEPTED_SIZES);
            }
            if (size != 64) {
                larger.add(size);
            }
        }
        if (!sizes.contains(64)) {
            throw new InvalidInputException("the sizes must include 64 (the size of a subnet client unless told)");
        }
        if (larger.isEmpty()) {
            return new AddressPlan(p);
        }
        larger.sort(java.util.Comparator.reverseOrder());
        long n = 1L << (64 - p.length());
        List<Region> regions = new ArrayList<>();
        regions.add(new Region(64, 1, n / 2 - 1));
        int parts = Integer.highestOneBit(larger.size() * 2 - 1);
        long partSlash64s = n / 2 / parts;
        for (int i = 0; i < larger.size(); i++) {
            int size = larger.get(i);
            long perBlock = 1L << (64 - size);
            if (partSlash64s < perBlock * 2) {
                throw new InvalidInputException("a /" + p.length() + " has no room for a region of /" + size + "s beside "
                        + "the /64s and the other sizes (" + sizes + "): each larger size gets 1/" + (2 * parts)
                        + " of the prefix; give fewer or smaller sizes");
            }
            long first = (n / 2 + i * partSlash64s) / perBlock;
            long last = first + partSlash64s / perBlock - 1;
            if (i == parts - 1) {
                last--; // its last block holds the hermit /64
            }
            regions.add(new Region(size, first, last));
        }
        return new AddressPlan(p, regions);
    }

    /**
     * The plan with a region of {@code size} added, from block {@code first} to {@code last}, or (both
     * null) over the largest stretch of P no region, nor the transfer or hermit /64, holds, trimmed
     * to whole blocks. No client is renumbered: the existing regions stay as they are.
     *
     * @throws InvalidInputException naming the problem when the size is offered already, unknown, or
     *         the blocks overlap a region, the transfer or the hermit /64, or there is no room
     */
    public AddressPlan withRegion(int size, Long first, Long last) {
        if (!Region.SIZES.contains(size)) {
            throw new InvalidInputException("size /" + size + " is not offered; " + Region.ACCEPTED_SIZES);
        }
        if (hermitOnly()) {
            throw new InvalidInputException("a /" + prefix.length() + " holds hermits only: no room for subnets");
        }
        if (region(size).isPresent()) {
            throw new InvalidInputException("the plan has a /" + size + " region already: " + region(size).get().describe(prefix));
        }
        long perBlock = 1L << (64 - size);
        if (size <= prefix.length()) {
            throw new InvalidInputException("a /" + size + " does not fit in the broker's prefix " + prefix);
        }
        long lo;
        long hi;
        if (first == null && last == null) {
            // the largest free stretch of /64s between the transfer /64, the regions and the hermit /64
            List<Region> byStart = new ArrayList<>(regions);
            byStart.sort(java.util.Comparator.comparingLong(Region::firstSlash64));
            long bestLo = 0;
            long bestBlocks = 0;
            long from = 1;
            List<long[]> gaps = new ArrayList<>();
            for (Region r : byStart) {
                gaps.add(new long[] {from, r.firstSlash64() - 1});
                from = r.lastSlash64() + 1;
            }
            gaps.add(new long[] {from, slash64Count() - 2});
            for (long[] g : gaps) {
                long a = (g[0] + perBlock - 1) / perBlock; // first whole block
                long b = (g[1] + 1) / perBlock - 1;        // last whole block
                if (b >= a && b - a + 1 > bestBlocks) {
                    bestBlocks = b - a + 1;
                    bestLo = a;
                }
            }
            if (bestBlocks == 0) {
                throw new InvalidInputException("no free stretch of " + prefix + " holds a whole /" + size
                        + " beside the regions " + sizes() + ": give --first and --last, or a smaller size");
            }
            lo = bestLo;
            hi = bestLo + bestBlocks - 1;
        } else if (first == null || last == null) {
            throw new InvalidInputException("give both --first and --last (or neither: the largest free stretch)");
        } else {
            lo = first;
            hi = last;
        }
        Region added = new Region(size, lo, hi);
        List<Region> all = new ArrayList<>(regions);
        all.add(added);
        try {
            return new AddressPlan(prefix, all);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("the /" + size + "s " + added.block(prefix, lo) + " .. " + added.block(prefix, hi)
                    + " overlap " + (regions.isEmpty() ? "" : "a region (" + sizes() + "), ") + "the transfer or the hermit /64 of " + prefix
                    + ": give blocks of a free stretch (see 'v6broker plan')");
        }
    }

    /** The index of a block of {@code size} given as a prefix of that length inside P. */
    public long blockIndex(int size, Ipv6Prefix block) {
        if (block.length() != size || !prefix.contains(block)) {
            throw new InvalidInputException(block + " is not a /" + size + " of the broker's prefix " + prefix);
        }
        return block.network().subtract(prefix.network()).shiftRight(128 - size).longValueExact();
    }

    private static void checkRegions(Ipv6Prefix p, List<Region> regions) {
        long n = 1L << (64 - p.length());
        if (p.length() >= HERMIT_ONLY_FROM && !regions.isEmpty()) {
            throw new IllegalArgumentException("a /" + p.length() + " plan holds hermits only, no regions");
        }
        java.util.Set<Integer> sizes = new java.util.HashSet<>();
        List<Region> byStart = new ArrayList<>(regions);
        byStart.sort(java.util.Comparator.comparingLong(Region::firstSlash64));
        long free = 1; // the lowest /64 no region before holds (the transfer /64 is 0)
        for (Region r : byStart) {
            if (!sizes.add(r.size())) {
                throw new IllegalArgumentException("two regions of /" + r.size() + "s");
            }
            if (r.size() < p.length() + 1 || r.lastSlash64() >= n - 1 || r.firstSlash64() < free) {
                throw new IllegalArgumentException(r + " overlaps another region, the transfer or the hermit /64, or leaves " + p);
            }
            free = r.lastSlash64() + 1;
        }
    }

    // ---- the plan
    /** Number of /64s in P. */
    public long slash64Count() {
        return 1L << (64 - prefix.length());
    }

    /** Whether P is a /61../64: hermits only, no transfer /64. */
    public boolean hermitOnly() {
        return prefix.length() >= HERMIT_ONLY_FROM;
    }

    public Ipv6Prefix transferNetwork() {
        if (hermitOnly()) {
            throw new IllegalStateException("a hermit-only plan (" + prefix + ") has no transfer /64");
        }
        return slash64(0);
    }

    public Ipv6Prefix hermitNetwork() {
        return slash64(slash64Count() - 1);
    }

    /** The region of subnet clients of this size, if the plan offers it. */
    public Optional<Region> region(int size) {
        for (Region r : regions) {
            if (r.size() == size) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The region of this size, or a refusal naming the sizes the plan offers. */
    public Region requireRegion(int size) {
        return region(size).orElseThrow(() -> new InvalidInputException("the address plan " + prefix + " offers "
                + (regions.isEmpty() ? "no subnets (hermits only)" : "subnets of " + sizes()) + ", not /" + size));
    }

    /** The sizes of its regions, e.g. "/64, /56". */
    public String sizes() {
        return String.join(", ", regions.stream().map(r -> "/" + r.size()).toList());
    }

    /** First usable index of a pool (the subnet pool: its /64 region). */
    public long first(ClientKind pool) {
        return pool == ClientKind.HERMIT ? FIRST_HERMIT : region(64).map(Region::first).orElse(1L);
    }

    /** Last usable index of a pool (the subnet pool: its /64 region; below first when it has none). */
    public long last(ClientKind pool) {
        return pool == ClientKind.HERMIT ? LAST_HERMIT : region(64).map(Region::last).orElse(0L);
    }

    /** How many clients a pool can hold. */
    public long capacity(ClientKind pool) {
        return last(pool) - first(pool) + 1;
    }

    /** The pool as a prefix for messages: the hermit /64, or P for subnets. */
    public Ipv6Prefix poolPrefix(ClientKind pool) {
        return pool == ClientKind.HERMIT ? hermitNetwork() : prefix;
    }

    /** The assignment for one index of a pool (the subnet pool: its /64 region). */
    public Assignment assignment(ClientKind pool, long index) {
        if (pool == ClientKind.SUBNET) {
            return assignment(region(64).orElseThrow(() -> new IllegalArgumentException(
                    "the plan " + prefix + " has no /64 region")), index);
        }
        if (index < FIRST_HERMIT || index > LAST_HERMIT) {
            throw new IllegalArgumentException("hermit index " + index + " outside " + FIRST_HERMIT + ".." + LAST_HERMIT
                    + " of " + prefix);
        }
        BigInteger address = hermitNetwork().network().add(BigInteger.valueOf(index));
        return new Assignment(pool, index, new Ipv6Prefix(address, 128), HERMIT_SERVER, HERMIT_CLIENT);
    }

    /** The assignment of block {@code index} of a region: the block and the /112 of its first /64. */
    public Assignment assignment(Region region, long index) {
        if (index < region.first() || index > region.last()) {
            throw new IllegalArgumentException("/" + region.size() + " index " + index + " outside "
                    + region.first() + ".." + region.last() + " of " + prefix);
        }
        return block(region.size(), index);
    }

    /**
     * The assignment of a stored client: its kind, size (128 for a hermit) and index. Needs no
     * region: a block's number at its own length says where it is, whichever region it came from.
     */
    public Assignment assignment(ClientKind kind, int size, long index) {
        if (kind == ClientKind.HERMIT) {
            return assignment(kind, index);
        }
        if (!Region.SIZES.contains(size) || size <= prefix.length()) {
            throw new IllegalArgumentException("a /" + size + " subnet in " + prefix);
        }
        long blocks = 1L << (size - prefix.length());
        if (index < 0 || index >= blocks) {
            throw new IllegalArgumentException("/" + size + " index " + index + " outside " + prefix);
        }
        return block(size, index);
    }

    /** The pool a client of this kind and size takes its index from: {@code hermit}, or its region's ({@link Region#pool}). */
    public static String pool(ClientKind kind, int size) {
        return kind == ClientKind.HERMIT ? "hermit" : Region.pool(size);
    }

    /** The same prefix with these regions (as the database records them). */
    public AddressPlan withRegions(List<Region> recorded) {
        return new AddressPlan(prefix, recorded);
    }

    private Assignment block(int size, long index) {
        Ipv6Prefix block = new Ipv6Prefix(prefix.network().add(BigInteger.valueOf(index).shiftLeft(128 - size)), size);
        BigInteger transfer = slash64(0).network().add(transferIdentifier(block));
        return new Assignment(ClientKind.SUBNET, index, block,
                new InterfaceAddress(transfer.add(BigInteger.ONE), 112),
                new InterfaceAddress(transfer.add(BigInteger.TWO), 112));
    }

    /**
     * The index a client's prefix has in its pool, the inverse of {@link #assignment}: used to check
     * a stored prefix against the plan. A subnet's index is its block number at its own length.
     */
    public long indexOf(ClientKind pool, Ipv6Prefix clientPrefix) {
        if (!prefix.contains(clientPrefix)) {
            throw new IllegalArgumentException(clientPrefix + " is outside the broker's prefix " + prefix);
        }
        if (pool == ClientKind.HERMIT) {
            return clientPrefix.network().subtract(hermitNetwork().network()).longValueExact();
        }
        return clientPrefix.network().subtract(prefix.network()).shiftRight(128 - clientPrefix.length()).longValueExact();
    }

    /**
     * The pool, size and index of the assignment that holds {@code address}: a hermit's /128, a subnet
     * client's block, or a subnet client's transfer /112; empty for an address no client can hold
     * (the servers' own, outside P, outside every region). Whether a client holds it now is the
     * database's to say.
     */
    public Optional<Held> assignmentHolding(BigInteger address) {
        if (!prefix.contains(address)) {
            return Optional.empty();
        }
        long slash64 = address.subtract(prefix.network()).shiftRight(64).longValueExact();
        long host = address.and(SLASH64.subtract(BigInteger.ONE)).longValue();
        if (slash64 == slash64Count() - 1) {
            return host >= FIRST_HERMIT ? Optional.of(new Held(ClientKind.HERMIT, 128, host)) : Optional.empty();
        }
        if (slash64 > 0) {
            for (Region r : regions) {
                if (r.holdsSlash64(slash64)) {
                    return Optional.of(new Held(ClientKind.SUBNET, r.size(), slash64 >>> (64 - r.size())));
                }
            }
            return Optional.empty();
        }
        long first = (host >>> 16) & (slash64Count() - 1); // the /112's identifier: the varying bits of a block's first /64
        for (Region r : regions) {
            if (r.holdsSlash64(first) && first % r.slash64sPerBlock() == 0) {
                long index = first >>> (64 - r.size());
                return assignment(r, index).transferServer().network().contains(address)
                        ? Optional.of(new Held(ClientKind.SUBNET, r.size(), index)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** An index of a pool (with its size: 128 for a hermit), as {@link #assignmentHolding} finds it. */
    public record Held(ClientKind pool, int size, long index) {
    }

    /** The /64 numbered {@code index} in P (0 is its first). */
    public Ipv6Prefix slash64(long index) {
        return new Ipv6Prefix(prefix.network().add(BigInteger.valueOf(index).multiply(SLASH64)), 64);
    }

    /** The /112's base inside the transfer /64: the varying bits of the block's first /64, shifted past the 16 host bits. */
    private BigInteger transferIdentifier(Ipv6Prefix block) {
        int varying = 64 - prefix.length();
        int kept = ((varying + 15) / 16) * 16;
        BigInteger upper = block.network().shiftRight(64);
        return upper.and(BigInteger.ONE.shiftLeft(kept).subtract(BigInteger.ONE)).shiftLeft(16);
    }

    /** The pool's usage for messages: "subnet pool 2001:db8::/56 exhausted: 254 of 254 /64s in use". */
    PoolExhaustedException exhausted(ClientKind pool, long used) {
        if (pool == ClientKind.SUBNET) {
            return exhausted(region(64).orElseThrow(), used);
        }
        return new PoolExhaustedException(pool.cliName() + " pool " + poolPrefix(pool) + " exhausted: "
                + used + " of " + capacity(pool) + " addresses in use");
    }

    /** A region's usage for messages, naming it and its bounds. */
    PoolExhaustedException exhausted(Region region, long used) {
        return new PoolExhaustedException("subnet pool " + prefix + " exhausted: " + region.describe(prefix) + " has "
                + used + " of " + region.capacity() + " /" + region.size() + "s in use");
    }
}
