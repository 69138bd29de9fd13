package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Lowest-free-first allocation in one pool, over the set of indices that are taken (by a client,
 * or in quarantine). The caller loads the taken indices inside its transaction, takes as many as it
 * needs, and stores them; the database's uniqueness is what makes the result safe across processes.
 *
 * <p>Not thread-safe: one instance per transaction.
 */
public final class Allocator {
    private final AddressPlan plan;
    private final ClientKind pool;
    private final NavigableSet<Long> taken;
    private long cursor;

    public Allocator(AddressPlan plan, ClientKind pool, Iterable<Long> taken) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.taken = new TreeSet<>();
        for (Long index : taken) {
            this.taken.add(index);
        }
        this.cursor = plan.first(pool);
    }

    /** Takes the lowest free index and returns its assignment; throws when the pool is full. */
    public Assignment next() {
        long candidate = cursor;
        for (Long t : taken.tailSet(candidate, true)) {
            if (t != candidate) {
                break;
            }
            if (candidate == plan.last(pool)) {
                throw plan.exhausted(pool, taken.subSet(plan.first(pool), true, plan.last(pool), true).size());
            }
            candidate++;
        }
        if (candidate > plan.last(pool)) {
            throw plan.exhausted(pool, taken.subSet(plan.first(pool), true, plan.last(pool), true).size());
        }
        taken.add(candidate);
        cursor = candidate;
        return plan.assignment(pool, candidate);
    }
}
