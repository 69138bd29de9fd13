package net.v6broker.web;

import java.util.List;
import java.util.Locale;
import net.v6broker.api.TrafficSeries;

/**
 * A traffic series drawn as SVG on the server: a bar per step, bytes received stacked under bytes
 * sent, and the sessions as a line on their own scale; every bar has a title (the browser's
 * tooltip). No script, no style attribute (the pages' CSP allows neither), no front-end build, and
 * nothing in it that a user typed: numbers and times only.
 */
final class TrafficChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 180;
    private static final int LEFT = 64;
    private static final int BOTTOM = 24;
    private static final int TOP = 12;

    private TrafficChart() {
    }

    static String svg(TrafficSeries.Series s, String label) {
        List<TrafficSeries.Bucket> b = s.buckets();
        long max = 1;
        int maxSessions = 1;
        for (TrafficSeries.Bucket x : b) {
            max = Math.max(max, x.bytesIn() + x.bytesOut());
            maxSessions = Math.max(maxSessions, x.sessions());
        }
        double plotW = WIDTH - LEFT - 8;
        double plotH = HEIGHT - TOP - BOTTOM;
        double step = plotW / b.size();
        StringBuilder out = new StringBuilder(8192);
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, WIDTH, HEIGHT, label));
        out.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\" fill=\"#555\">%s</text>", TOP + 8,
                Pages.bytes(max)));
        out.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\" fill=\"#555\">0</text>", HEIGHT - BOTTOM));
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>", LEFT,
                HEIGHT - BOTTOM + 0.5, WIDTH - 8, HEIGHT - BOTTOM + 0.5));
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < b.size(); i++) {
            TrafficSeries.Bucket x = b.get(i);
            double x0 = LEFT + i * step + 1;
            double w = Math.max(1, step - 2);
            double hIn = plotH * x.bytesIn() / max;
            double hOut = plotH * x.bytesOut() / max;
            double base = HEIGHT - BOTTOM;
            String title = x.start() + ": " + x.sessions() + " session(s), in " + Pages.bytes(x.bytesIn()) + ", out "
                    + Pages.bytes(x.bytesOut());
            out.append(String.format(Locale.ROOT, "<g class=\"bar\"><title>%s</title>"
                    + "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b6fd8\"/>"
                    + "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9bb8f0\"/></g>",
                    title, x0, base - hIn, w, hIn, x0, base - hIn - hOut, w, hOut));
            double y = TOP + plotH - plotH * x.sessions() / maxSessions;
            line.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x0 + w / 2, y));
            if (i % Math.max(1, b.size() / 6) == 0) {
                String tick = s.period() == TrafficSeries.Period.DAY ? x.start().toString().substring(11, 16)
                        : x.start().toString().substring(5, 10);
                out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#555\">%s</text>", x0,
                        HEIGHT - 8, tick));
            }
        }
        out.append("<polyline class=\"sessions\" fill=\"none\" stroke=\"#d8703b\" stroke-width=\"1.5\" points=\"").append(line)
                .append("\"/>");
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#d8703b\" text-anchor=\"end\">"
                + "sessions (max %d)</text>", WIDTH - 8, TOP + 8, maxSessions));
        out.append("</svg>");
        return out.toString();
    }
}
