package net.v6broker.api;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.client.ClientKind;
import net.v6broker.store.AccessTx.AllocationCell;
import net.v6broker.store.Store;

/**
 * The address plan as a grid of its /64s, coloured by use. A prefix of up to 4,096 /64s (a /52 or
 * longer) gets one cell per /64; a larger one is aggregated into 4,096 cells of equal blocks, each
 * with how many of its /64s are in use or quarantined. The first cell holds the transfer /64, the
 * last the hermit /64. Immutable.
 */
public record PlanUsage(AddressPlan plan, long span, List<Cell> cells, long subnetsUsed, long subnetsQuarantined,
                        long hermitsUsed, long hermitsQuarantined, Map<String, long[]> byPool) {
    public static final int MAX_CELLS = 4096;

    /** What a cell is mostly used for. */
    public enum Kind { TRANSFER, HERMIT, SUBNET, QUARANTINED, FREE;
        public String cssName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One cell: {@code size} /64s from {@code first}, of which {@code used} and {@code quarantined}. */
    public record Cell(int index, long first, long size, Kind kind, long used, long quarantined) {
        public double fill() {
            return size == 0 ? 0 : (double) (used + quarantined) / size;
        }
    }

    public static PlanUsage of(AddressPlan plan, Store store, Instant now) {
        long n = plan.slash64Count();
        long span = Math.max(1, n / MAX_CELLS);
        int count = (int) Math.min(n, MAX_CELLS);
        List<AllocationCell> rows = store.read(tx -> tx.access().allocationCells(now, span));
        long[] used = new long[count];
        long[] quarantined = new long[count];
        long su = 0, sq = 0, hu = 0, hq = 0;
        Map<String, long[]> byPool = new LinkedHashMap<>(); // used, quarantined blocks
        for (AllocationCell a : rows) {
            long[] counts = byPool.computeIfAbsent(a.pool(), x -> new long[2]);
            counts[0] += a.used();
            counts[1] += a.quarantined();
            if (a.size() == 128) {
                hu += a.used();
                hq += a.quarantined();
                continue;
            }
            su += a.used();
            sq += a.quarantined();
            // in /64s; a block larger than a cell fills its cells (a cell then holds at most one block)
            long perBlock = 1L << (64 - a.size());
            long cellsOfBlock = Math.max(1, perBlock / span);
            long share = Math.min(perBlock, span);
            for (long k = 0; k < cellsOfBlock && a.cell() + k < count; k++) {
                int cell = (int) (a.cell() + k);
                used[cell] += a.used() * share;
                quarantined[cell] += a.quarantined() * share;
            }
        }
        List<Cell> cells = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Kind k;
            if (i == count - 1) {
                k = Kind.HERMIT; // a hermit-only /64's one cell too
            } else if (i == 0) {
                k = Kind.TRANSFER;
            } else if (used[i] > 0) {
                k = Kind.SUBNET;
            } else if (quarantined[i] > 0) {
                k = Kind.QUARANTINED;
            } else {
                k = Kind.FREE;
            }
            cells.add(new Cell(i, i * span, span, k, used[i], quarantined[i]));
        }
        return new PlanUsage(plan, span, List.copyOf(cells), su, sq, hu, hq, Map.copyOf(byPool));
    }

    /** How many subnet clients the plan's regions hold, of every size together. */
    public long subnetCapacity() {
        return plan.regions().stream().mapToLong(net.v6broker.ipam.Region::capacity).sum();
    }

    /** The first /64 of a cell, as text. */
    public String firstPrefix(Cell c) {
        return new Ipv6Prefix(plan.prefix().network().add(BigInteger.valueOf(c.first()).shiftLeft(64)), 64).toString();
    }

    /** The cell's block as a prefix (/64 for single cells). */
    public String blockPrefix(Cell c) {
        int len = 64 - Long.numberOfTrailingZeros(span);
        return new Ipv6Prefix(plan.prefix().network().add(BigInteger.valueOf(c.first()).shiftLeft(64)), len).toString();
    }

    /** The JSON view: pools with their counts, and the cells that are not free. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prefix", plan.prefix().toString());
        m.put("slash64s", plan.slash64Count());
        m.put("transfer", plan.hermitOnly() ? null : plan.transferNetwork().toString());
        Map<String, Object> hermit = new LinkedHashMap<>();
        hermit.put("network", plan.hermitNetwork().toString());
        hermit.put("used", hermitsUsed);
        hermit.put("quarantined", hermitsQuarantined);
        m.put("hermit", hermit);
        Map<String, Object> subnet = new LinkedHashMap<>();
        subnet.put("capacity", subnetCapacity());
        subnet.put("used", subnetsUsed);
        subnet.put("quarantined", subnetsQuarantined);
        subnet.put("free", subnetCapacity() - subnetsUsed - subnetsQuarantined);
        m.put("subnet", subnet);
        List<Map<String, Object>> regions = new ArrayList<>();
        for (net.v6broker.ipam.Region r : plan.regions()) {
            long[] counts = byPool.getOrDefault(r.pool(), new long[2]);
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("size", r.size());
            rm.put("first", r.block(plan.prefix(), r.first()).toString());
            rm.put("last", r.block(plan.prefix(), r.last()).toString());
            rm.put("capacity", r.capacity());
            rm.put("used", counts[0]);
            rm.put("quarantined", counts[1]);
            rm.put("free", r.capacity() - counts[0] - counts[1]);
            regions.add(rm);
        }
        m.put("regions", regions);
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("cells", cells.size());
        grid.put("slash64sPerCell", span);
        List<Map<String, Object>> notFree = new ArrayList<>();
        for (Cell c : cells) {
            if (c.kind() != Kind.FREE) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("index", c.index());
                cm.put("block", blockPrefix(c));
                cm.put("kind", c.kind().cssName());
                cm.put("used", c.used());
                cm.put("quarantined", c.quarantined());
                notFree.add(cm);
            }
        }
        grid.put("nonFree", notFree);
        m.put("grid", grid);
        return m;
    }
}
