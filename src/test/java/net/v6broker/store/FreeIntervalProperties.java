package net.v6broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.Tuple;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Assignment;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.PoolExhaustedException;
import net.v6broker.ipam.Region;

/**
 * The database's free intervals (allocation_free) against a model, on a real SQLite file: random
 * sequences of add (every size), delete (into quarantine), the quarantine's end and a link's
 * explicit /64. The allocation always takes the lowest free block of its region, refuses cleanly
 * when the region is full, and the intervals stay exactly the complement of what is taken.
 */
class FreeIntervalProperties {
    /** Small regions of every size in a /40, so that sequences fill them. */
    private static final AddressPlan PLAN = new AddressPlan(Ipv6Prefix.parse("2001:db8:ab00::/40"), List.of(
            new Region(64, 1, 12), new Region(60, 1, 4), new Region(56, 1, 3), new Region(48, 1, 2)));
    private static final Duration QUARANTINE = Duration.ofMinutes(3);

    private final java.util.concurrent.atomic.AtomicLong names = new java.util.concurrent.atomic.AtomicLong();
    private Path file;
    private Store store;

    /** kind 0..5 add, 6..7 delete, 8 take a /64 as a link would, 9 let a minute pass; size 0..3; pick a client or index */
    record Op(int kind, int size, int pick) {
    }

    @BeforeProperty
    void open() throws IOException {
        file = Files.createTempFile("v6broker-free-", ".db");
        Files.delete(file);
        store = Store.create("jdbc:sqlite:" + file, null, null);
    }

    @AfterProperty
    void close() throws IOException {
        store.close();
        Files.deleteIfExists(file);
    }

    @BeforeTry
    void empty() {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement s = c.createStatement()) {
            for (String table : List.of("allocations", "allocation_free", "pools", "links", "certificates", "clients")) {
                s.executeUpdate("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        store.inTransaction(tx -> {
            Instant t0 = Instant.EPOCH;
            for (Region r : PLAN.regions()) {
                tx.recordPool(r.pool(), r.size(), r.first(), r.last(), t0);
            }
            return null;
        });
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        return Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 10_000)).as(Op::new).list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 150)
    void theLowestFreeBlockOfItsRegionAlwaysAndTheIntervalsStayTheComplement(@ForAll("operations") List<Op> ops) {
        Map<String, TreeSet<Long>> taken = new HashMap<>();      // held, quarantined or a link's
        Map<Long, Tuple.Tuple2<Region, Long>> live = new TreeMap<>(); // client id -> region, index
        Map<Tuple.Tuple2<String, Long>, Instant> quarantine = new HashMap<>();
        Instant now = Instant.EPOCH.plusSeconds(60);
        for (Op op : ops) {
            Instant at = now;
            quarantine.entrySet().removeIf(e -> {
                if (e.getValue().isAfter(at)) {
                    return false;
                }
                taken.get(e.getKey().get1()).remove(e.getKey().get2());
                return true;
            });
            Region region = PLAN.regions().get(op.size());
            TreeSet<Long> in = taken.computeIfAbsent(region.pool(), p -> new TreeSet<>());
            if (op.kind() <= 5) {
                long lowest = region.first();
                while (in.contains(lowest)) {
                    lowest++;
                }
                if (lowest > region.last()) {
                    assertThatThrownBy(() -> add(region, at)).isInstanceOf(PoolExhaustedException.class)
                            .hasMessageContaining(region.capacity() + " of " + region.capacity());
                } else {
                    long[] got = add(region, at);
                    assertThat(got[1]).as("lowest free /" + region.size()).isEqualTo(lowest);
                    in.add(got[1]);
                    live.put(got[0], Tuple.of(region, got[1]));
                }
            } else if (op.kind() <= 7 && !live.isEmpty()) {
                List<Long> ids = new ArrayList<>(live.keySet());
                long id = ids.get(op.pick() % ids.size());
                Tuple.Tuple2<Region, Long> held = live.remove(id);
                store.inTransaction(tx -> {
                    tx.release(id, at.plus(QUARANTINE));
                    return null;
                });
                quarantine.put(Tuple.of(held.get1().pool(), held.get2()), at.plus(QUARANTINE));
            } else if (op.kind() == 8) {
                Region slash64s = PLAN.regions().get(0);
                long index = slash64s.first() + op.pick() % slash64s.capacity();
                TreeSet<Long> in64 = taken.computeIfAbsent("subnet", p -> new TreeSet<>());
                boolean took = store.inTransaction(tx -> {
                    tx.endQuarantines("subnet", at);
                    if (!tx.take("subnet", index)) {
                        return false;
                    }
                    tx.insertLink("l" + names.incrementAndGet(), slash64s.block(PLAN.prefix(), index).toString(), index,
                            "tun", "2001:db8::1", at);
                    return true;
                });
                assertThat(took).as("/64 " + index + " free").isEqualTo(!in64.contains(index));
                in64.add(index); // held for good, as a link's
            } else {
                now = now.plusSeconds(60);
            }
        }
        Instant end = now.plus(QUARANTINE);
        for (Region r : PLAN.regions()) {
            TreeSet<Long> in = taken.computeIfAbsent(r.pool(), p -> new TreeSet<>());
            quarantine.forEach((k, v) -> {
                if (k.get1().equals(r.pool())) {
                    in.remove(k.get2());
                }
            });
            List<Tx.Interval> intervals = store.inTransaction(tx -> {
                tx.endQuarantines(r.pool(), end);
                return tx.freeIntervals(r.pool());
            });
            TreeSet<Long> free = new TreeSet<>();
            long previousHi = Long.MIN_VALUE;
            for (Tx.Interval iv : intervals) {
                assertThat(iv.lo()).as("intervals apart and in order").isGreaterThan(previousHi);
                previousHi = iv.hi();
                for (long i = iv.lo(); i <= iv.hi(); i++) {
                    free.add(i);
                }
            }
            TreeSet<Long> expected = new TreeSet<>();
            for (long i = r.first(); i <= r.last(); i++) {
                if (!in.contains(i)) {
                    expected.add(i);
                }
            }
            assertThat(free).as("free /" + r.size() + "s").isEqualTo(expected);
        }
    }

    /** One client of a region's size, as the broker adds it: {id, index}. */
    private long[] add(Region region, Instant now) {
        return store.inTransaction(tx -> {
            Assignment a = new Allocator(PLAN, region, tx.free(region.pool(), now)).next();
            long id = tx.insertClient("c" + names.incrementAndGet(), ClientKind.SUBNET,
                    region.size(), ClientOs.LINUX, null, a.index(), "ab", now, null);
            tx.claim(region.pool(), a.index(), id, now);
            return new long[] {id, a.index()};
        });
    }
}
