package net.v6broker.web;

import net.v6broker.config.Validation;

/** HTML text: escaping and the page frame. Everything dynamic goes through {@link #esc}. Stateless. */
final class Html {
    private Html() {
    }

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Validation.hidden(c)) {
                        // shown, not obeyed: a stored U+202E must not reverse the text after it
                        b.append(String.format(java.util.Locale.ROOT, "[U+%04X]", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A hidden CSRF field for a form. */
    static String csrf(String token) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(token) + "\">";
    }

    /** A one-button POST form. */
    static String button(String action, String label, String csrf, String cssClass) {
        return "<form method=\"post\" action=\"" + esc(action) + "\" class=\"inline\">" + csrf(csrf)
                + "<button type=\"submit\" class=\"" + esc(cssClass) + "\">" + esc(label) + "</button></form>";
    }

    /** The page frame; {@code operator} non-null shows the operator's navigation. */
    static String page(String title, String operator, String csrf, String body) {
        StringBuilder nav = new StringBuilder();
        if (operator != null) {
            nav.append("<a href=\"/admin\">Dashboard</a><a href=\"/admin/plan\">Address plan</a>")
                    .append("<span class=\"who\">").append(esc(operator)).append("</span>")
                    .append("<form method=\"post\" action=\"/logout\" class=\"inline\">").append(csrf(csrf))
                    .append("<button type=\"submit\" class=\"link\">Log out</button></form>");
        } else {
            nav.append("<a href=\"/subscribe\">Subscribe</a><a href=\"/status\">My tunnel</a><a href=\"/login\">Operator login</a>");
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + " · v6broker</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>"
                + "<body><header><a class=\"brand\" href=\"" + (operator != null ? "/admin" : "/subscribe") + "\">v6broker</a>"
                + "<nav>" + nav + "</nav></header><main>" + body + "</main>"
                + "<footer>IPv6 tunnel broker · public addresses and routed prefixes over OpenVPN</footer></body></html>\n";
    }

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
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
