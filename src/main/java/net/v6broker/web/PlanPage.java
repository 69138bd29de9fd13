package net.v6broker.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.v6broker.api.PlanUsage;
import net.v6broker.client.ClientKind;

/**
 * The address plan page: an SVG grid of one square per cell of {@link PlanUsage}, row by row,
 * coloured by kind; in an aggregated grid a cell's opacity shows how full its block is. Each cell
 * names its block (and, for single /64s, its client) in a tooltip. Stateless.
 */
final class PlanPage {
    private PlanPage() {
    }

    /** @param subnetNames client names by subnet pool index, for tooltips of single-/64 cells */
    static Pages.Plan of(Pages.Frame frame, PlanUsage usage, Map<Long, String> subnetNames) {
        int count = usage.cells().size();
        int columns = (int) Math.ceil(Math.sqrt(count));
        int size = count <= 256 ? 22 : count <= 1024 ? 14 : 9;
        int gap = count <= 256 ? 2 : 1;
        int rows = (count + columns - 1) / columns;
        boolean single = usage.span() == 1;
        List<Pages.Cell> cells = new ArrayList<>(count);
        for (PlanUsage.Cell c : usage.cells()) {
            String opacity = null;
            if (!single && (c.kind() == PlanUsage.Kind.SUBNET || c.kind() == PlanUsage.Kind.QUARANTINED)) {
                opacity = String.format(Locale.ROOT, "%.2f", 0.3 + 0.7 * Math.min(1, c.fill()));
            }
            cells.add(new Pages.Cell((c.index() % columns) * (size + gap), (c.index() / columns) * (size + gap),
                    c.kind().cssName(), opacity, single || c.kind() != PlanUsage.Kind.FREE ? title(usage, c, subnetNames) : null));
        }
        String per = single ? "one square per /64" : "one square per /" + (64 - Long.numberOfTrailingZeros(usage.span()))
                + " (" + usage.span() + " /64s; darker = fuller)";
        return new Pages.Plan(frame, usage.plan().prefix().toString(),
                usage.plan().slash64Count() + " /64s, " + per + ". Hover a square for its prefix.", legend(usage),
                columns * (size + gap), rows * (size + gap), size, cells);
    }

    private static String title(PlanUsage usage, PlanUsage.Cell c, Map<Long, String> names) {
        String block = usage.span() == 1 ? usage.firstPrefix(c) : usage.blockPrefix(c);
        return switch (c.kind()) {
            case TRANSFER -> block + ": transfer addresses" + (usage.span() > 1 ? " (first /64) and subnets" : "");
            case HERMIT -> usage.plan().hermitNetwork() + ": hermits, " + usage.hermitsUsed() + " in use"
                    + (usage.hermitsQuarantined() > 0 ? ", " + usage.hermitsQuarantined() + " quarantined" : "");
            case FREE -> block + ": free";
            default -> usage.span() == 1
                    ? block + (c.kind() == PlanUsage.Kind.SUBNET ? ": " + names.getOrDefault(c.first(), "in use") : ": quarantined")
                    : block + ": " + c.used() + " of " + c.size() + " /64s in use, " + c.quarantined() + " quarantined";
        };
    }

    /** The legend with the pools' numbers. */
    private static List<Pages.LegendItem> legend(PlanUsage u) {
        long capacity = u.subnetCapacity();
        return List.of(
                new Pages.LegendItem("transfer", "transfer /64", u.plan().transferNetwork().toString()),
                new Pages.LegendItem("hermit", "hermits", u.plan().hermitNetwork() + " · " + u.hermitsUsed() + " in use"),
                new Pages.LegendItem("subnet", "subnet in use", u.subnetsUsed() + " of " + capacity),
                new Pages.LegendItem("quarantined", "quarantined", Long.toString(u.subnetsQuarantined())),
                new Pages.LegendItem("free", "free", Long.toString(capacity - u.subnetsUsed() - u.subnetsQuarantined())));
    }
}
