package net.v6broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Assignment;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.Region;
import net.v6broker.store.Store;

/**
 * Benchmark (a {@code main}, not a test): allocating {@code N} mixed-size subnet prefixes in one
 * broker prefix on SQLite, as the broker does (store.Tx#free, the allocator, the client row and its
 * claim), 1,000 to a transaction as an import commits them. Prints the cost of one allocation around
 * 1,000, 100,000 and N allocated, and beside it, on the same table at the same moment, the cost of
 * finding the lowest free /64 the way the allocator did before free intervals (counting taken
 * indices over halved ranges), and the JVM's heap after a collection, which must not depend on the
 * region's size (run it with two prefixes to compare). Mix: 1.5% /48, 18.5% /56, 80% /64.
 *
 * <p>Run: {@code java -cp target/v6broker.jar:target/test-classes net.v6broker.bench.AllocationBench [N [PREFIX [64]]]}
 * (defaults 1000000, 2001:db8::/32, the mix; {@code 64}: /64s only). Deletes its database when done.
 */
public final class AllocationBench {
    private static final int BATCH = 1_000;

    private AllocationBench() {
    }

    public static void main(String[] args) throws IOException, SQLException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Ipv6Prefix p = Ipv6Prefix.parse(args.length > 1 ? args[1] : "2001:db8::/32");
        boolean mixed = args.length <= 2 || !args[2].equals("64");
        AddressPlan plan = AddressPlan.layout(p, AddressPlan.defaultSizes(p.length()));
        Path dir = Files.createTempDirectory("v6broker-alloc-");
        Path file = dir.resolve("alloc.db");
        Instant now = Instant.parse("2026-12-02T00:00:00Z");
        List<Integer> checkpoints = java.util.stream.Stream.of(1_000, 100_000, n).filter(k -> k <= n).distinct().sorted().toList();
        System.out.printf(Locale.ROOT, "allocation bench: %d %s prefixes in %s (regions %s), SQLite, %d a transaction%n",
                n, mixed ? "mixed-size" : "/64", p, plan.regions(), BATCH);
        System.out.printf(Locale.ROOT, "%10s %14s %16s %18s %12s %10s%n", "allocated", "alloc us (med)", "lowest: intervals",
                "lowest: counting", "heap MB", "free rows");
        try (Store store = Store.create("jdbc:sqlite:" + file, null, null);
             Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            store.inTransaction(tx -> {
                for (Region r : plan.regions()) {
                    tx.recordPool(r.pool(), r.size(), r.first(), r.last(), now);
                }
                return null;
            });
            int done = 0;
            double[] batchMicros = new double[0];
            List<Double> window = new ArrayList<>();
            for (int checkpoint : checkpoints) {
                while (done < checkpoint) {
                    int size = Math.min(BATCH, checkpoint - done);
                    int from = done;
                    long t0 = System.nanoTime();
                    store.inTransaction(tx -> {
                        Map<String, Allocator> allocators = new HashMap<>();
                        for (int i = from; i < from + size; i++) {
                            Region r = plan.requireRegion(mixed ? sizeOf(i) : 64);
                            Allocator a = allocators.get(r.pool());
                            if (a == null) {
                                a = new Allocator(plan, r, tx.free(r.pool(), now));
                                allocators.put(r.pool(), a);
                            }
                            Assignment got = a.next();
                            long id = tx.insertClient("c" + i, ClientKind.SUBNET, r.size(), ClientOs.LINUX, null, got.index(),
                                    "ab", now, null);
                            tx.claim(r.pool(), got.index(), id, now);
                        }
                        return null;
                    });
                    window.add((System.nanoTime() - t0) / 1e3 / size);
                    if (window.size() > 20) {
                        window.remove(0);
                    }
                    done += size;
                }
                batchMicros = window.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double intervals = lookup(raw, true);
                double counting = lookup(raw, false);
                System.gc();
                Runtime rt = Runtime.getRuntime();
                double heap = (rt.totalMemory() - rt.freeMemory()) / 1e6;
                System.out.printf(Locale.ROOT, "%10d %14.1f %14.1f us %16.1f us %12.1f %10d%n", done,
                        batchMicros[batchMicros.length / 2], intervals, counting, heap, count(raw, "SELECT count(*) FROM allocation_free"));
                window.clear();
            }
        } finally {
            for (String f : List.of("alloc.db", "alloc.db-wal", "alloc.db-shm")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    /** 1.5% /48, 18.5% /56, 80% /64, interleaved. */
    private static int sizeOf(int i) {
        int k = i % 200;
        return k < 3 ? 48 : k < 40 ? 56 : 64;
    }

    /** The median time of 200 lookups of the lowest free /64: from the free intervals, or by counting as before them. */
    private static double lookup(Connection c, boolean intervals) throws SQLException {
        double[] t = new double[200];
        for (int r = 0; r < t.length; r++) {
            long t0 = System.nanoTime();
            long got = intervals ? count(c, "SELECT min(lo) FROM allocation_free WHERE pool = 'subnet'") : lowestByCounting(c);
            t[r] = (System.nanoTime() - t0) / 1e3;
            if (got < 0) {
                throw new IllegalStateException("no free /64");
            }
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** The lowest free /64 index as the allocator found it before free intervals: count, then halve towards a hole. */
    private static long lowestByCounting(Connection c) throws SQLException {
        long lo = 1;
        long hi = count(c, "SELECT coalesce(max(pool_index), 0) FROM allocations WHERE pool = 'subnet'");
        if (taken(c, lo, hi) == hi - lo + 1) {
            return hi + 1;
        }
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (taken(c, lo, mid) < mid - lo + 1) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static long taken(Connection c, long from, long to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM allocations WHERE pool = 'subnet' AND pool_index BETWEEN ? AND ?")) {
            s.setLong(1, from);
            s.setLong(2, to);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
