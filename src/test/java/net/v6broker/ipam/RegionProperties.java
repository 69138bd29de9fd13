package net.v6broker.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of plans with regions of several sizes, over random sequences of add, delete (the
 * block stays in quarantine for a few steps) and resize (a block of the new size first, then the old
 * one to quarantine), the way the broker drives them: a fresh Allocator per step over the blocks
 * taken at that moment.
 */
class RegionProperties {
    /** A plan small enough to be filled, or large enough to need long arithmetic, with the sizes it offers. */
    record Shape(String prefix, List<Integer> sizes) {
    }

    /** A client's block: its region and assignment. */
    record Held(Region region, Assignment a) {
    }

    /** An operation: kind 0 add, 1 delete, 2 resize; size an index into the shape's sizes; pick chooses a live client. */
    record Op(int kind, int size, int pick) {
    }

    @Provide
    Arbitrary<Shape> shapes() {
        return Arbitraries.of(
                new Shape("2001:db8:abba:f00::/56", List.of(64, 60)),
                new Shape("2001:db8:ab00::/52", List.of(64, 60, 56)),
                new Shape("2001:db8:abba::/48", List.of(64, 56)),
                new Shape("2001:db8:ab00::/40", List.of(64, 60, 56, 48)),
                new Shape("2001:db8::/32", List.of(64, 56, 48)));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 9).map(k -> k < 6 ? 0 : k < 8 ? 1 : 2);
        return Combinators.combine(kind, Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000))
                .as(Op::new).list().ofMinSize(1).ofMaxSize(120);
    }

    @Property(tries = 2000)
    void blocksNeverOverlapStayAlignedKeepTheirTransferAndComeLowestFirst(@ForAll("shapes") Shape shape,
                                                                         @ForAll("operations") List<Op> ops) {
        AddressPlan plan = AddressPlan.layout(Ipv6Prefix.parse(shape.prefix()), shape.sizes());
        Map<Integer, Held> live = new HashMap<>();           // client id -> its block
        Map<Region, TreeSet<Long>> taken = new HashMap<>();  // held or in quarantine
        Map<Held, Integer> quarantine = new HashMap<>();     // steps left
        int nextId = 0;
        for (Op op : ops) {
            quarantine.replaceAll((h, left) -> left - 1);
            quarantine.entrySet().removeIf(e -> {
                if (e.getValue() > 0) {
                    return false;
                }
                taken.get(e.getKey().region()).remove(e.getKey().a().index());
                return true;
            });
            List<Integer> ids = new ArrayList<>(new TreeSet<>(live.keySet()));
            Region region = plan.requireRegion(shape.sizes().get(op.size() % shape.sizes().size()));
            if (op.kind() == 0 || ids.isEmpty()) {
                Held h = allocate(plan, region, taken, live.values()).map(a -> new Held(region, a)).orElse(null);
                if (h != null) {
                    live.put(++nextId, h);
                }
            } else {
                int id = ids.get(op.pick() % ids.size());
                Held old = live.get(id);
                if (op.kind() == 2) {
                    Held moved = allocate(plan, region, taken, live.values()).map(a -> new Held(region, a)).orElse(null);
                    if (moved == null) {
                        continue; // refused: the client keeps its block
                    }
                    live.put(id, moved);
                } else {
                    live.remove(id);
                }
                quarantine.put(old, 3);
            }
        }
    }

    /**
     * Allocates in a region and checks what that must do: the lowest free block, aligned, inside P and
     * apart from every live block (all sizes) and its /112; empty, after checking the refusal and that
     * it took nothing, when the region is full.
     */
    private static Optional<Assignment> allocate(AddressPlan plan, Region region, Map<Region, TreeSet<Long>> taken,
                                                 Collection<Held> live) {
        TreeSet<Long> in = taken.computeIfAbsent(region, r -> new TreeSet<>());
        long lowest = region.first();
        while (in.contains(lowest)) {
            lowest++;
        }
        if (lowest > region.last()) {
            Set<Long> before = Set.copyOf(in);
            assertThatThrownBy(() -> new Allocator(plan, region, Allocator.inMemory(region.first(), region.last(), in)).next())
                    .isInstanceOf(PoolExhaustedException.class)
                    .hasMessageContaining("the /" + region.size() + " region (")
                    .hasMessageContaining(region.capacity() + " of " + region.capacity() + " /" + region.size() + "s in use");
            assertThat(in).isEqualTo(before);
            return Optional.empty();
        }
        Assignment a = new Allocator(plan, region, Allocator.inMemory(region.first(), region.last(), in)).next();
        assertThat(a.index()).as("lowest free block first").isEqualTo(lowest);
        Ipv6Prefix p = a.prefix();
        assertThat(p.length()).isEqualTo(region.size());
        assertThat(p.network().mod(BigInteger.ONE.shiftLeft(128 - region.size()))).as("aligned").isZero();
        assertThat(plan.prefix().contains(p)).isTrue();
        assertThat(p.overlaps(plan.transferNetwork())).isFalse();
        assertThat(p.overlaps(plan.hermitNetwork())).isFalse();
        assertThat(plan.transferNetwork().contains(a.transferServer().network())).isTrue();
        assertThat(plan.indexOf(a.pool(), p)).isEqualTo(a.index());
        assertThat(plan.assignmentHolding(a.transferClient().value()))
                .contains(new AddressPlan.Held(a.pool(), region.size(), a.index()));
        assertThat(plan.assignmentHolding(p.last())).contains(new AddressPlan.Held(a.pool(), region.size(), a.index()));
        for (Held h : live) {
            Assignment other = h.a();
            assertThat(p.overlaps(other.prefix())).as(p + " vs " + other.prefix()).isFalse();
            assertThat(a.transferServer().network()).as("its own /112").isNotEqualTo(other.transferServer().network());
        }
        in.add(a.index());
        return Optional.of(a);
    }

    @Property(tries = 300)
    void everyDefaultLayoutKeepsItsRegionsApartAndInsideP(@ForAll @IntRange(min = 32, max = 64) int length) {
        Ipv6Prefix p = Ipv6Prefix.of(Ipv6Prefix.parse("2001:db8::/32").network(), length);
        AddressPlan plan = AddressPlan.layout(p, AddressPlan.defaultSizes(length));
        Set<Long> firsts = new HashSet<>();
        for (Region r : plan.regions()) {
            for (long k : new long[] {r.first(), r.last()}) {
                Assignment a = plan.assignment(r, k);
                assertThat(p.contains(a.prefix())).isTrue();
                assertThat(a.prefix().overlaps(plan.transferNetwork())).isFalse();
                assertThat(a.prefix().overlaps(plan.hermitNetwork())).isFalse();
                assertThat(firsts.add(a.prefix().network().shiftRight(64).longValue())).isTrue();
            }
            for (Region o : plan.regions()) {
                if (o != r) {
                    assertThat(r.lastSlash64() < o.firstSlash64() || o.lastSlash64() < r.firstSlash64()).isTrue();
                }
            }
        }
        assertThat(plan.hermitOnly()).isEqualTo(length >= 61);
    }
}
