package net.v6broker.web;

import java.util.Map;
import net.v6broker.api.PlanUsage;
import net.v6broker.client.ClientKind;

/**
 * The address plan as an SVG grid: one square per cell of {@link PlanUsage}, row by row, coloured
 * by kind; in an aggregated grid a cell's opacity shows how full its block is. Each cell names its
 * block (and, for single /64s, its client) in a tooltip. Stateless.
 */
final class PlanSvg {
    private PlanSvg() {
    }

    /** @param subnetNames client names by subnet pool index, for tooltips of single-/64 cells */
    static String render(PlanUsage usage, Map<Long, String> subnetNames) {
        int count = usage.cells().size();
        int columns = (int) Math.ceil(Math.sqrt(count));
        int size = count <= 256 ? 22 : count <= 1024 ? 14 : 9;
        int gap = count <= 256 ? 2 : 1;
        int rows = (count + columns - 1) / columns;
        int w = columns * (size + gap);
        int h = rows * (size + gap);
        StringBuilder b = new StringBuilder(count * 120);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plan\" id=\"plan\" role=\"img\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" aria-label=\"address plan of ").append(Html.esc(usage.plan().prefix())).append("\">");
        boolean single = usage.span() == 1;
        for (PlanUsage.Cell c : usage.cells()) {
            int x = (c.index() % columns) * (size + gap);
            int y = (c.index() / columns) * (size + gap);
            b.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(size)
                    .append("\" height=\"").append(size).append("\" class=\"cell ").append(c.kind().cssName()).append('"')
                    .append(" data-kind=\"").append(c.kind().cssName()).append('"');
            if (!single && (c.kind() == PlanUsage.Kind.SUBNET || c.kind() == PlanUsage.Kind.QUARANTINED)) {
                double opacity = 0.3 + 0.7 * Math.min(1, c.fill());
                b.append(" fill-opacity=\"").append(String.format(java.util.Locale.ROOT, "%.2f", opacity)).append('"');
            }
            if (single || c.kind() != PlanUsage.Kind.FREE) {
                b.append("><title>").append(Html.esc(title(usage, c, subnetNames))).append("</title></rect>");
            } else {
                b.append("/>");
            }
        }
        return b.append("</svg>").toString();
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
    static String legend(PlanUsage u) {
        long capacity = u.plan().capacity(ClientKind.SUBNET);
        return "<ul class=\"legend\">"
                + item("transfer", "transfer /64", u.plan().transferNetwork().toString())
                + item("hermit", "hermits", u.plan().hermitNetwork() + " · " + u.hermitsUsed() + " in use")
                + item("subnet", "subnet in use", u.subnetsUsed() + " of " + capacity)
                + item("quarantined", "quarantined", Long.toString(u.subnetsQuarantined()))
                + item("free", "free", Long.toString(capacity - u.subnetsUsed() - u.subnetsQuarantined()))
                + "</ul>";
    }

    private static String item(String kind, String label, String detail) {
        return "<li><span class=\"swatch " + kind + "\"></span>" + Html.esc(label) + " <span class=\"muted\">"
                + Html.esc(detail) + "</span></li>";
    }
}
