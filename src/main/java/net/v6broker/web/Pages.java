package net.v6broker.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.List;
import java.util.Locale;
import net.v6broker.broker.Client;
import net.v6broker.config.Validation;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.store.SessionRow;

/**
 * The web UI's pages: one record per page with what its template shows, and their rendering by
 * jte from the templates in {@code src/main/jte}, compiled with the code (jte-maven-plugin), so a
 * template that names a missing field does not build. jte escapes every {@code ${...}} for where it
 * stands (text, attribute); text typed by users additionally has its invisible and bidirectional
 * control characters shown as {@code [U+202E]} rather than obeyed ({@link Shown}). Stateless.
 */
final class Pages {
    /** The templates as jte-maven-plugin compiled them, into this package. */
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Pages.class.getClassLoader(), Pages.class.getPackageName());

    private Pages() {
    }

    /** The page frame: its title and, for an operator's page, who is logged in. */
    /** @param warnings what an operator must hear about (a CA close to its end), shown on every page; empty for others */
    record Frame(String title, String operator, String csrf, List<String> warnings) {
        Frame(String title, String operator, String csrf) {
            this(title, operator, csrf, List.of());
        }
    }

    /** A label and its value, as a definition list shows them. */
    record Fact(String label, String value) {
        static Fact of(String label, Object value) {
            return new Fact(label, value == null ? "" : value.toString());
        }
    }

    /** A one-button POST form. */
    record Button(String action, String label, String cssClass) {
    }

    /** The public form; {@code sizes} are the subnet sizes the plan offers. */
    record Subscribe(Frame frame, List<Integer> sizes) {
    }

    record Received(Frame frame, String name, long id, String token) {
    }

    record StatusForm(Frame frame) {
    }

    /** A subscriber's tunnel: {@code facts} empty while there is none (then {@code message} says why). */
    record My(Frame frame, String name, String status, String message, List<Fact> facts, String linkPath, String linkUrl,
              String linkExpires, boolean offerLink) {
    }

    record Download(Frame frame, String name, String expires, String secret) {
    }

    record Login(Frame frame, String error) {
    }

    record Stat(String label, long n) {
    }

    /** One client line of the dashboard; {@code from} null when not connected. */
    record ClientLine(Client client, String from, String bytesIn, String bytesOut) {
    }

    record Pager(long from, long to, long total, String previous, String next) {
    }

    /** @param traffic the broker's last day as SVG ({@link TrafficChart}); @param top the month's busiest clients */
    record Dashboard(Frame frame, String done, List<Stat> stats, List<RequestRow> pending, List<Integer> sizes, String q, String status,
                     String type, List<ClientLine> clients, Pager pager, String traffic,
                     List<net.v6broker.api.TrafficSeries.Top> top) {
    }

    record ClientPage(Frame frame, String done, Client client, List<Fact> facts, List<Button> actions, String exportAction,
                      List<SessionRow> sessions, List<net.v6broker.store.AuditRow> audit, String trafficDay, String trafficMonth) {
    }

    /**
     * One square of a region's picture; {@code opacity} null for full colour, {@code href} null when
     * it is a single block (a group opens as a window of its own).
     */
    record Cell(int x, int y, String kind, String opacity, String title, String href) {
    }

    record LegendItem(String kind, String label, String detail) {
    }

    /** One part of P in the layout strip, to scale (a tiny part is drawn a few pixels wide). */
    record Segment(int x, int width, String kind, String title, String href) {
    }

    /** One line of the layout table: a part of P and what it holds. */
    record LayoutRow(String kind, String label, String range, String capacity, String used, String quarantined, String free,
                     String href, boolean shown) {
    }

    /** The picture of one region (or a window of it). */
    record RegionView(String title, String note, String zoomOut, int width, int height, int size, List<Cell> cells) {
    }

    /** The address plan page: P's layout, then one region's picture (null for a hermit-only plan). */
    record Plan(Frame frame, String prefix, String note, List<LayoutRow> layout, int stripWidth, List<Segment> strip,
                List<LegendItem> legend, RegionView view) {
    }

    record ErrorPage(Frame frame, String code, String message) {
    }

    /** The page {@code template} (a file of src/main/jte) shows {@code page}. */
    static String render(String template, Object page) {
        StringOutput html = new StringOutput();
        TEMPLATES.render(template, page, new Shown(html));
        return html.toString();
    }

    /** What a subnet of this size holds, as a subscriber reads it: "one network (/64)", "256 networks of /64". */
    static String networks(int size) {
        long n = 1L << (64 - size);
        return n == 1 ? "one network (/64)" : String.format(Locale.ROOT, "%,d networks of /64", n);
    }

    /** A byte count as people read it: 512 B, 1.5 KiB, 3.2 GiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /**
     * jte's HTML output, with every user-given string's hidden characters shown: a stored U+202E
     * must not reverse the text after it on an operator's screen.
     */
    static final class Shown extends OwaspHtmlTemplateOutput {
        Shown(StringOutput out) {
            super(out);
        }

        @Override
        public void writeUserContent(String value) {
            super.writeUserContent(value == null ? null : shown(value));
        }

        static String shown(String s) {
            StringBuilder b = null;
            for (int i = 0; i < s.length(); ) {
                int c = s.codePointAt(i);
                if (Validation.hidden(c)) {
                    if (b == null) {
                        b = new StringBuilder(s.length() + 16).append(s, 0, i);
                    }
                    b.append(String.format(Locale.ROOT, "[U+%04X]", c));
                } else if (b != null) {
                    b.appendCodePoint(c);
                }
                i += Character.charCount(c);
            }
            return b == null ? s : b.toString();
        }
    }
}
