package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import java.util.NavigableSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Lowest-free-first allocation in one pool (the hermit /64, or one region of subnet blocks). It asks
 * {@link Free} for the pool's lowest free index: the database answers from its free intervals
 * (store.Tx#free) with one lookup of an index, whatever the pool holds, so an allocation costs
 * O(log n) at any size. The database's uniqueness is what makes the result safe across processes.
 *
 * <p>Not thread-safe: one instance per transaction.
 */
public final class Allocator {
    /** The free indices of one pool, as the allocator asks about them. */
    public interface Free {
        /** The pool's lowest free index (not held, not in quarantine); empty when none is. */
        OptionalLong lowest();

        /** Marks a free index taken; the caller stores who holds it before it asks again. */
        void take(long index);

        /** How many of the pool's indices are taken (held or in quarantine), for the exhaustion message. */
        long used();
    }

    private final LongFunction<Assignment> assign;
    private final LongFunction<PoolExhaustedException> exhausted;
    private final Free free;

    /** In a pool: the hermit /64, or the plan's /64 region. */
    public Allocator(AddressPlan plan, ClientKind pool, Free free) {
        this(i -> plan.assignment(pool, i), used -> plan.exhausted(pool, used), free);
    }

    /** In a region of the plan: its blocks, lowest free first. */
    public Allocator(AddressPlan plan, Region region, Free free) {
        this(i -> plan.assignment(region, i), used -> plan.exhausted(region, used), free);
    }

    private Allocator(LongFunction<Assignment> assign, LongFunction<PoolExhaustedException> exhausted, Free free) {
        this.assign = assign;
        this.exhausted = exhausted;
        this.free = Objects.requireNonNull(free, "free");
    }

    /** Over a set of taken indices held in memory. */
    public Allocator(AddressPlan plan, ClientKind pool, Iterable<Long> taken) {
        this(plan, pool, inMemory(plan.first(pool), plan.last(pool), taken));
    }

    /** Takes the lowest free index and returns its assignment; throws when the pool is full. */
    public Assignment next() {
        OptionalLong lowest = free.lowest();
        if (lowest.isEmpty()) {
            throw exhausted.apply(free.used());
        }
        free.take(lowest.getAsLong());
        return assign.apply(lowest.getAsLong());
    }

    /** The free indices from {@code first} to {@code last} of a set of taken ones held in memory (tests, benchmarks). */
    public static Free inMemory(long first, long last, Iterable<Long> taken) {
        NavigableSet<Long> set = new TreeSet<>();
        taken.forEach(set::add);
        return new Free() {
            @Override
            public OptionalLong lowest() {
                long i = first;
                for (long t : set.tailSet(first, true)) {
                    if (t != i) {
                        break;
                    }
                    i++;
                }
                return i <= last ? OptionalLong.of(i) : OptionalLong.empty();
            }

            @Override
            public void take(long index) {
                set.add(index);
            }

            @Override
            public long used() {
                return set.subSet(first, true, last, true).size();
            }
        };
    }
}
