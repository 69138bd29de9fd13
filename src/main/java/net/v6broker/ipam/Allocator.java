package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

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

    private final AddressPlan plan;
    private final ClientKind pool;
    private final Taken taken;
    /** The lowest index that may be free: every index below it is taken or was handed out here. */
    private long cursor;
    /** The highest taken index as last asked, kept up to date with what this allocator hands out. */
    private long highest;

    public Allocator(AddressPlan plan, ClientKind pool, Taken taken) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.taken = Objects.requireNonNull(taken, "taken");
        this.cursor = plan.first(pool);
        this.highest = taken.highest();
    }

    /** Over a set of taken indices held in memory. */
    public Allocator(AddressPlan plan, ClientKind pool, Iterable<Long> taken) {
        this(plan, pool, inMemory(taken));
    }

    /** Takes the lowest free index and returns its assignment; throws when the pool is full. */
    public Assignment next() {
        long first = plan.first(pool);
        long last = plan.last(pool);
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
            throw plan.exhausted(pool, taken.count(first, last));
        }
        taken.took(candidate);
        cursor = candidate + 1;
        highest = Math.max(highest, candidate);
        return plan.assignment(pool, candidate);
    }

    private static Taken inMemory(Iterable<Long> indices) {
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
