package net.v6broker.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.v6broker.error.InvalidInputException;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.Region;
import net.v6broker.store.AccessTx.RegionCell;
import net.v6broker.store.Store;

/**
 * One region of the address plan, or a window of it, as squares of its blocks: one square per
 * block while the window holds at most {@link #MAX_CELLS} of them, else one per aligned group of
 * {@code span} blocks (a power of two, so a square is itself a prefix: 2^k /56s are a /(56-k)),
 * with how many of its blocks are in use and quarantined. A /56 is drawn as one square, not as its
 * 256 /64s, so every region of a /32 is readable, and a group can be opened as a window of its own.
 * Immutable.
 */
public record RegionUsage(AddressPlan plan, Region region, long from, long to, long span, List<Square> squares,
                          Map<Long, String> holders) {
    public static final int MAX_CELLS = 4096;

    /** Blocks {@code first..last} of the region (a group clipped to the window), {@code used} and {@code quarantined} of them. */
    public record Square(long first, long last, long used, long quarantined) {
        public long blocks() {
            return last - first + 1;
        }

        public boolean free() {
            return used == 0 && quarantined == 0;
        }

        public double fill() {
            return (double) (used + quarantined) / blocks();
        }
    }

    /**
     * The window {@code from..to} of the plan's region of {@code size} (null: the whole region).
     *
     * @throws InvalidInputException when the plan has no such region or the window leaves it
     */
    public static RegionUsage of(AddressPlan plan, int size, Long from, Long to, Store store, Instant now) {
        Region r = plan.requireRegion(size);
        long lo = from == null ? r.first() : from;
        long hi = to == null ? r.last() : to;
        if (lo < r.first() || hi > r.last() || lo > hi) {
            throw new InvalidInputException("blocks " + lo + ".." + hi + " are not in " + r.describe(plan.prefix())
                    + ": accepted block numbers from " + r.first() + " to " + r.last());
        }
        long span = 1;
        while (hi / span - lo / span + 1 > MAX_CELLS) {
            span <<= 1;
        }
        long s = span;
        List<RegionCell> rows = store.read(tx -> tx.access().regionCells(r.pool(), lo, hi, s, now));
        Map<Long, String> holders = span == 1 ? store.read(tx -> tx.access().holders(size, lo, hi)) : Map.of();
        List<Square> squares = new ArrayList<>();
        int next = 0;
        for (long cell = lo / span; cell <= hi / span; cell++) {
            long used = 0;
            long quarantined = 0;
            if (next < rows.size() && rows.get(next).cell() == cell) {
                used = rows.get(next).used();
                quarantined = rows.get(next).quarantined();
                next++;
            }
            squares.add(new Square(Math.max(lo, cell * span), Math.min(hi, cell * span + span - 1), used, quarantined));
        }
        return new RegionUsage(plan, r, lo, hi, span, List.copyOf(squares), Map.copyOf(holders));
    }

    /** Whether this shows the whole region (not a window of it). */
    public boolean whole() {
        return from == region.first() && to == region.last();
    }

    /** The prefix a square stands for: its block, or its aligned group of blocks. */
    public Ipv6Prefix prefix(Square q) {
        int len = region.size() - Long.numberOfTrailingZeros(span);
        Ipv6Prefix block = region.block(plan.prefix(), q.first() / span * span);
        return new Ipv6Prefix(block.network(), len);
    }

    /** The block {@code k} as a prefix. */
    public Ipv6Prefix block(long k) {
        return region.block(plan.prefix(), k);
    }
}
