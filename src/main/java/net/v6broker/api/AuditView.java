package net.v6broker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.v6broker.config.Validation;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.AuditRow;
import net.v6broker.store.Store;

/** The audit trail as the command line, the API and the web pages show it: one reading, one JSON form, one text line. */
public final class AuditView {
    private static final Pattern AGO = Pattern.compile("([0-9]{1,6})([mhd])");

    private AuditView() {
    }

    /** Rows in the order written, after the row {@code afterId}: all, or one client's (null for all), at or after {@code since}. */
    public static List<AuditRow> rows(Store store, String client, Instant since, long afterId, int limit) {
        return store.read(tx -> tx.audit(client, since, afterId, limit));
    }

    /** A client's newest {@code limit} rows, newest first (its page in the web UI). */
    public static List<AuditRow> newest(Store store, String client, int limit) {
        return store.read(tx -> tx.auditNewest(client, limit));
    }

    /**
     * When a listing starts, as typed: an instant ({@code 2026-12-03T10:00:00Z}), a day
     * ({@code 2026-12-03}, from its midnight UTC) or a time ago ({@code 90m}, {@code 24h}, {@code 7d}).
     */
    public static Instant since(String text, Clock clock) {
        Matcher m = AGO.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("since " + Validation.quote(text) + ": accepted an instant (2026-12-03T10:00:00Z), "
                    + "a day (2026-12-03) or a time ago (90m, 24h, 7d)");
        }
    }

    /** A row as JSON: the states before and after as objects. */
    public static Map<String, Object> json(AuditRow a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("at", a.at().toString());
        m.put("actorKind", a.actorKind());
        m.put("actor", a.actor());
        m.put("origin", a.origin());
        m.put("action", a.action());
        m.put("client", a.clientName());
        m.put("detail", a.detail());
        m.put("before", state(a.before()));
        m.put("after", state(a.after()));
        return m;
    }

    private static Object state(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit row holds a state that is not JSON: " + json, e);
        }
    }

    /** What changed between two states, as {@code status active -> revoked, serial A -> B}; empty when nothing did. */
    public static String changes(AuditRow a) {
        if (a.before() == null || a.after() == null) {
            return "";
        }
        Map<?, ?> before = (Map<?, ?>) Json.MAPPER.convertValue(state(a.before()), Map.class);
        Map<?, ?> after = (Map<?, ?>) Json.MAPPER.convertValue(state(a.after()), Map.class);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<?, ?> e : after.entrySet()) {
            Object was = before.get(e.getKey());
            if (!java.util.Objects.equals(was, e.getValue())) {
                out.append(out.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(was).append(" -> ").append(e.getValue());
            }
        }
        return out.toString();
    }

    /** One line of {@code v6broker audit}. */
    public static String line(AuditRow a) {
        String what = a.detail() == null ? "" : a.detail();
        String changed = changes(a);
        if (!changed.isEmpty()) {
            what = what.isEmpty() ? changed : what + " (" + changed + ")";
        }
        return String.format("%-24s %-10s %-28s %-28s %-14s %-20s %s", a.at(), a.actorKind(), a.actor(), a.origin(), a.action(),
                a.clientName() == null ? "-" : a.clientName(), what).stripTrailing();
    }

    public static final String HEADER = String.format("%-24s %-10s %-28s %-28s %-14s %-20s %s", "AT", "BY", "ACTOR", "FROM",
            "ACTION", "CLIENT", "WHAT");
}
