package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Lowest-free-first allocation in one pool. It asks {@link Taken} how many indices of a range are
 * taken (by a client, a link, or in quarantine) instead of reading them all, so one allocation costs
 * a count over the pool's index and a lookup of its highest entry, whatever the pool holds: the
 * lowest free index is the one after the highest when every index below is taken (the usual case),
 * else the first hole, found by halving the range. The caller stores each index it gets before it
 * asks for the next; the database's uniqueness is what makes the result safe across processes.
 *
 * <p>Not thread-safe: one instance per transaction.
 */
public final class Allocator {
    /** The taken indices of one pool, as the allocator asks about them. */
    public interface Taken {
        /** How many indices from {@code from} to {@code to} (both included) are taken; 0 when from > to. */
        long count(long from, long to);

        /** The highest taken index; below the pool's first when none is. */
        long highest();

        /**
         * This allocator handed out {@code index}: an in-memory set adds it; the database learns it
         * from the caller's claim, before the next question.
         */
        void took(long index);
    }

    private final long first;
    private final long last;
    private final LongFunction<Assignment> assign;
    private final LongFunction<PoolExhaustedException> exhausted;
    private final Taken taken;
    /** The lowest index that may be free: every index below it is taken or was handed out here. */
    private long cursor;
    /** The highest taken index as last asked, kept up to date with what this allocator hands out. */
    private long highest;

    /** In a pool: the hermit /64, or the plan's /64 region. */
    public Allocator(AddressPlan plan, ClientKind pool, Taken taken) {
        this(plan.first(pool), plan.last(pool), i -> plan.assignment(pool, i), used -> plan.exhausted(pool, used), taken);
    }

    /** In a region of the plan: its blocks, lowest free first. */
    public Allocator(AddressPlan plan, Region region, Taken taken) {
        this(region.first(), region.last(), i -> plan.assignment(region, i), used -> plan.exhausted(region, used), taken);
    }

    private Allocator(long first, long last, LongFunction<Assignment> assign,
                      LongFunction<PoolExhaustedException> exhausted, Taken taken) {
        this.first = first;
        this.last = last;
        this.assign = assign;
        this.exhausted = exhausted;
        this.taken = Objects.requireNonNull(taken, "taken");
        this.cursor = first;
        this.highest = taken.highest();
    }

    /** Over a set of taken indices held in memory. */
    public Allocator(AddressPlan plan, ClientKind pool, Iterable<Long> taken) {
        this(plan, pool, inMemory(taken));
    }

    /** Takes the lowest free index and returns its assignment; throws when the pool is full. */
    public Assignment next() {
        long lo = cursor;
        long top = Math.min(highest, last);
        long candidate;
        if (lo > top || taken.count(lo, top) == top - lo + 1) {
            candidate = Math.max(lo, top + 1); // no hole up to the highest taken index
        } else {
            long a = lo;
            long b = top; // the lowest m in lo..top with a free index in lo..m
            while (a < b) {
                long mid = a + (b - a) / 2;
                if (taken.count(lo, mid) < mid - lo + 1) {
                    b = mid;
                } else {
                    a = mid + 1;
                }
            }
            candidate = a;
        }
        if (candidate > last || candidate < first) {
            throw exhausted.apply(taken.count(first, last));
        }
        taken.took(candidate);
        cursor = candidate + 1;
        highest = Math.max(highest, candidate);
        return assign.apply(candidate);
    }

    /** The taken indices of a set held in memory (tests, benchmarks). */
    public static Taken inMemory(Iterable<Long> indices) {
        NavigableSet<Long> set = new TreeSet<>();
        indices.forEach(set::add);
        return new Taken() {
            @Override
            public long count(long from, long to) {
                return from > to ? 0 : set.subSet(from, true, to, true).size();
            }

            @Override
            public long highest() {
                return set.isEmpty() ? Long.MIN_VALUE : set.last();
            }

            @Override
            public void took(long index) {
                set.add(index);
            }
        };
    }
}
