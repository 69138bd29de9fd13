package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of allocation over random add/delete sequences, the way the broker drives it. */
class AllocatorProperties {

    /**
     * 10,000 random sequences of adds and deletes on a small plan: a fresh Allocator per step over
     * the indices held at that moment (as the broker builds one per transaction). No two live
     * clients ever share or overlap a prefix, and each add gets the lowest free index.
     */
    @Property(tries = 10_000)
    void neverHandsOutAnOverlappingPrefix(@ForAll("operations") List<Integer> ops, @ForAll boolean hermits) {
        AddressPlan plan = AddressPlan.parse("2001:db8:abba:f0::/60");
        ClientKind pool = hermits ? ClientKind.HERMIT : ClientKind.SUBNET;
        Map<Long, Ipv6Prefix> live = new HashMap<>();
        List<Long> order = new ArrayList<>();
        for (int op : ops) {
            if (op >= 0 || order.isEmpty()) {
                if (live.size() == plan.capacity(pool)) {
                    continue;
                }
                Assignment a = new Allocator(plan, pool, new TreeSet<>(live.keySet())).next();
                long lowestFree = plan.first(pool);
                while (live.containsKey(lowestFree)) {
                    lowestFree++;
                }
                assertThat(a.index()).isEqualTo(lowestFree);
                for (Ipv6Prefix other : live.values()) {
                    assertThat(a.prefix().overlaps(other)).as(a.prefix() + " vs " + other).isFalse();
                }
                assertThat(plan.prefix().contains(a.prefix())).isTrue();
                assertThat(a.prefix().overlaps(plan.transferNetwork())).isFalse();
                if (pool == ClientKind.SUBNET) {
                    assertThat(a.prefix().overlaps(plan.hermitNetwork())).isFalse();
                }
                live.put(a.index(), a.prefix());
                order.add(a.index());
            } else {
                Long victim = order.remove(Math.floorMod(op, order.size()));
                live.remove(victim);
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> operations() {
        return Arbitraries.integers().between(-20, 30).list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 200)
    void everySubnetOfAnyPlanMapsBackToItsIndex(@ForAll @IntRange(min = 32, max = 60) int length,
                                                 @ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        AddressPlan plan = new AddressPlan(Ipv6Prefix.of(Ipv6Prefix.parse("2001:db8::/32").network(), length));
        long index = 1 + Math.floorMod((long) seed * 2654435761L, plan.capacity(ClientKind.SUBNET));
        Assignment a = plan.assignment(ClientKind.SUBNET, index);
        assertThat(plan.indexOf(ClientKind.SUBNET, a.prefix())).isEqualTo(index);
        assertThat(plan.transferNetwork().contains(a.transferServer().value())).isTrue();
        assertThat(a.transferServer().network()).isEqualTo(a.transferClient().network());
    }
}
