package net.v6broker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.PoolExhaustedException;
import net.v6broker.ipam.Region;
import net.v6broker.store.ClientQuery;

/**
 * The broker's allocation of every size through its public operations, on a real home (SQLite,
 * CA): random sequences of add, delete, resize and days passing over small regions of /64s, /60s,
 * /56s and /48s. After every step the live prefixes never overlap, each is an aligned block of its
 * own region, no two share a transfer /112 and each /112 lies in the transfer /64; an add or
 * resize takes the lowest block of its region that is neither held nor in quarantine, or, when
 * there is none, is refused naming the region and changes nothing.
 */
class SizesProperties {
    private static final AddressPlan PLAN = new AddressPlan(Ipv6Prefix.parse("2001:db8:ab00::/40"), List.of(
            new Region(64, 1, 6), new Region(60, 1, 3), new Region(56, 1, 2), new Region(48, 1, 2)));
    private static final int QUARANTINE_DAYS = 2;

    /** kind 0..3 add, 4..5 delete, 6..7 resize, 8 a day passes; size 0..3 (a region); pick a client */
    record Op(int kind, int size, int pick) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 1000)).as(Op::new).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 30)
    void addDeleteAndResizeOfEverySizeTakeTheLowestFreeAlignedBlockAndNeverOverlap(@ForAll("operations") List<Op> ops)
            throws IOException {
        Path dir = Files.createTempDirectory("v6broker-sizes-");
        try (TestBroker t = new TestBroker(dir, PLAN, QUARANTINE_DAYS)) {
            Map<String, Instant> quarantined = new HashMap<>();
            int n = 0;
            for (Op op : ops) {
                Instant now = t.clock.instant();
                quarantined.values().removeIf(until -> !until.isAfter(now));
                Region region = PLAN.regions().get(op.size());
                List<Client> live = t.broker.page(ClientQuery.ALL, 0, 1000).items();
                if (op.kind() <= 3) {
                    String name = "c" + n++;
                    Long lowest = lowestFree(region, live, quarantined);
                    if (lowest == null) {
                        assertThatThrownBy(() -> t.broker.add(new NewClient(name, ClientKind.SUBNET, region.size(), ClientOs.LINUX,
                                null, null))).isInstanceOf(PoolExhaustedException.class)
                                .hasMessageContaining("/" + region.size() + " region");
                        assertThat(t.broker.find(name)).isEmpty();
                    } else {
                        Client c = t.broker.add(new NewClient(name, ClientKind.SUBNET, region.size(), ClientOs.LINUX, null, null))
                                .value();
                        assertThat(c.assignment().prefix()).as("lowest free /" + region.size())
                                .isEqualTo(region.block(PLAN.prefix(), lowest));
                    }
                } else if (op.kind() <= 7 && !live.isEmpty()) {
                    Client c = live.get(op.pick() % live.size());
                    int oldSize = c.assignment().prefix().length();
                    String key = region(oldSize).pool() + " " + c.assignment().index();
                    if (op.kind() <= 5) {
                        t.broker.delete(c.name());
                        quarantined.put(key, now.plus(Duration.ofDays(QUARANTINE_DAYS)));
                    } else if (oldSize != region.size()) {
                        Long lowest = lowestFree(region, live, quarantined);
                        if (lowest == null) {
                            assertThatThrownBy(() -> t.broker.resize(c.name(), region.size()))
                                    .isInstanceOf(PoolExhaustedException.class).hasMessageContaining("/" + region.size() + " region");
                            assertThat(t.broker.show(c.name()).assignment().prefix()).as("unchanged").isEqualTo(c.assignment().prefix());
                        } else {
                            Client after = t.broker.resize(c.name(), region.size()).value();
                            assertThat(after.assignment().prefix()).isEqualTo(region.block(PLAN.prefix(), lowest));
                            quarantined.put(key, now.plus(Duration.ofDays(QUARANTINE_DAYS)));
                        }
                    }
                } else if (op.kind() == 8) {
                    t.clock.advance(Duration.ofDays(1));
                }
                invariants(t.broker.page(ClientQuery.ALL, 0, 1000).items());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The lowest block of the region that no live client holds and no quarantine keeps; null when there is none. */
    private static Long lowestFree(Region region, List<Client> live, Map<String, Instant> quarantined) {
        Set<Long> taken = new HashSet<>();
        for (Client c : live) {
            if (c.assignment().prefix().length() == region.size()) {
                taken.add(c.assignment().index());
            }
        }
        for (long k = region.first(); k <= region.last(); k++) {
            if (!taken.contains(k) && !quarantined.containsKey(region.pool() + " " + k)) {
                return k;
            }
        }
        return null;
    }

    private static void invariants(List<Client> live) {
        Ipv6Prefix transfer = PLAN.transferNetwork();
        Set<Ipv6Prefix> transfers = new HashSet<>();
        List<Ipv6Prefix> prefixes = new ArrayList<>();
        for (Client c : live) {
            Ipv6Prefix p = c.assignment().prefix();
            Region r = region(p.length());
            assertThat(p.network().mod(BigInteger.ONE.shiftLeft(128 - p.length()))).as(p + " aligned").isZero();
            assertThat(c.assignment().index()).as(p + " in " + r).isBetween(r.first(), r.last());
            assertThat(p).isEqualTo(r.block(PLAN.prefix(), c.assignment().index()));
            Ipv6Prefix t = c.assignment().transferServer().network();
            assertThat(transfer.contains(t)).as(t + " in the transfer /64").isTrue();
            assertThat(transfers.add(t)).as("no two share the transfer " + t).isTrue();
            for (Ipv6Prefix q : prefixes) {
                assertThat(q.contains(p) || p.contains(q)).as(p + " and " + q + " overlap").isFalse();
            }
            prefixes.add(p);
        }
    }

    private static Region region(int size) {
        return PLAN.requireRegion(size);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
