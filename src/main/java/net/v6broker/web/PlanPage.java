package net.v6broker.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import net.v6broker.api.PlanUsage;
import net.v6broker.api.RegionUsage;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Region;

/**
 * The address plan page. First P's layout: a strip to scale of its parts (the transfer /64, each
 * region, the space no region holds yet, the hermit /64) and a table of what each holds. Then the
 * picture of one region, a square per block (a /48 is one square, as is a /64), or for a region
 * of more than {@link RegionUsage#MAX_CELLS} blocks a square per aligned group of blocks, darker
 * when fuller, that opens as a picture of its own: a /32's two thousand million /64s are three
 * clicks from any one of them. Stateless.
 */
final class PlanPage {
    private static final int STRIP_WIDTH = 960;
    private static final int MIN_SEGMENT = 4;

    private PlanPage() {
    }

    static Pages.Plan of(Pages.Frame frame, PlanUsage usage, RegionUsage view) {
        AddressPlan plan = usage.plan();
        List<Part> parts = parts(plan);
        List<Pages.Segment> strip = new ArrayList<>();
        int x = 0;
        for (Part p : parts) {
            int w = Math.max(MIN_SEGMENT, (int) Math.round((double) STRIP_WIDTH * p.slash64s() / plan.slash64Count()));
            strip.add(new Pages.Segment(x, w, p.kind(), p.label() + " " + p.range(), p.href()));
            x += w;
        }
        List<Pages.LayoutRow> layout = new ArrayList<>();
        for (Part p : parts) {
            layout.add(row(usage, p, view));
        }
        String note = count(plan.slash64Count()) + " /64s; " + (plan.regions().isEmpty() ? "hermits only"
                : "subnets of " + plan.sizes()) + ". The strip is to scale; pick a region to see its blocks.";
        return new Pages.Plan(frame, plan.prefix().toString(), note, layout, x, strip, legend(), view == null ? null : view(view));
    }

    /** A part of P, in /64s numbered in P. */
    private record Part(String kind, String label, long first, long last, String range, Region region, String href) {
        long slash64s() {
            return last - first + 1;
        }
    }

    /** P from its first /64 to its last: transfer, regions and the gaps between them, hermits. */
    private static List<Part> parts(AddressPlan plan) {
        List<Part> parts = new ArrayList<>();
        long n = plan.slash64Count();
        long next = 0;
        if (!plan.hermitOnly()) {
            parts.add(new Part("transfer", "transfer", 0, 0, plan.transferNetwork().toString(), null, null));
            next = 1;
        }
        List<Region> regions = new ArrayList<>(plan.regions());
        regions.sort(Comparator.comparingLong(Region::firstSlash64));
        for (Region r : regions) {
            if (r.firstSlash64() > next) {
                parts.add(unassigned(plan, next, r.firstSlash64() - 1));
            }
            parts.add(new Part("region r" + r.size(), "/" + r.size() + " region", r.firstSlash64(), r.lastSlash64(),
                    r.block(plan.prefix(), r.first()) + " .. " + r.block(plan.prefix(), r.last()), r, href(r.size(), null)));
            next = r.lastSlash64() + 1;
        }
        if (next < n - 1) {
            parts.add(unassigned(plan, next, n - 2));
        }
        parts.add(new Part("hermit", "hermits", n - 1, n - 1, plan.hermitNetwork().toString(), null, null));
        return parts;
    }

    private static Part unassigned(AddressPlan plan, long first, long last) {
        return new Part("unassigned", "not in a region", first, last, plan.slash64(first) + " .. " + plan.slash64(last)
                + " (" + count(last - first + 1) + " /64s)", null, null);
    }

    private static Pages.LayoutRow row(PlanUsage u, Part p, RegionUsage view) {
        if (p.region() != null) {
            Region r = p.region();
            long[] c = u.byPool().getOrDefault(r.pool(), new long[2]);
            return new Pages.LayoutRow(p.kind(), p.label(), p.range(), count(r.capacity()) + " × /" + r.size(), count(c[0]),
                    count(c[1]), count(r.capacity() - c[0] - c[1]), p.href(), view != null && view.region().equals(r));
        }
        if (p.kind().equals("hermit")) {
            return new Pages.LayoutRow(p.kind(), p.label(), p.range(), "/128s", count(u.hermitsUsed()), count(u.hermitsQuarantined()),
                    "", null, false);
        }
        String what = p.kind().equals("transfer") ? "a /112 per subnet" : "room for a region (plan add-region)";
        return new Pages.LayoutRow(p.kind(), p.label(), p.range(), what, "", "", "", null, false);
    }

    private static Pages.RegionView view(RegionUsage v) {
        List<RegionUsage.Square> squares = v.squares();
        int count = squares.size();
        int columns = Math.min(64, (int) Math.ceil(Math.sqrt(count)));
        int size = count <= 256 ? 22 : count <= 1024 ? 14 : 9;
        int gap = count <= 256 ? 2 : 1;
        int rows = (count + columns - 1) / columns;
        boolean single = v.span() == 1;
        int unit = v.region().size() - Long.numberOfTrailingZeros(v.span());
        List<Pages.Cell> cells = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            RegionUsage.Square q = squares.get(i);
            String kind = q.used() > 0 ? "subnet" : q.quarantined() > 0 ? "quarantined" : "free";
            String opacity = single || q.free() ? null : String.format(Locale.ROOT, "%.2f", 0.3 + 0.7 * Math.min(1, q.fill()));
            String title;
            if (single) {
                String holder = v.holders().get(q.first());
                title = v.prefix(q) + ": " + (q.used() > 0 ? (holder == null ? "in use" : holder) : q.quarantined() > 0 ? "quarantined" : "free");
            } else {
                title = v.prefix(q) + ": " + count(q.used()) + " of " + count(q.blocks()) + " /" + v.region().size() + "s in use, "
                        + count(q.quarantined()) + " quarantined";
            }
            cells.add(new Pages.Cell((i % columns) * (size + gap), (i / columns) * (size + gap), kind, opacity, title,
                    single ? null : href(v.region().size(), new long[] {q.first(), q.last()})));
        }
        String title = "/" + v.region().size() + " region" + (v.whole() ? "" : ": " + v.block(v.from()) + " .. " + v.block(v.to()));
        String per = single ? "one square per /" + v.region().size()
                : "one square per /" + unit + " (" + count(v.span()) + " /" + v.region().size() + "s; darker = fuller; click to open)";
        String note = count(v.to() - v.from() + 1) + " blocks, " + per + ". Hover a square for its prefix.";
        return new Pages.RegionView(title, note, v.whole() ? null : href(v.region().size(), null), columns * (size + gap),
                rows * (size + gap), size, cells);
    }

    private static String href(int size, long[] window) {
        return "/admin/plan?region=" + size + (window == null ? "" : "&from=" + window[0] + "&to=" + window[1]);
    }

    private static List<Pages.LegendItem> legend() {
        return List.of(new Pages.LegendItem("subnet", "in use", ""), new Pages.LegendItem("quarantined", "quarantined", ""),
                new Pages.LegendItem("free", "free", ""));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
