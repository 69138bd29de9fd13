package net.v6broker.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.v6broker.config.Validation;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;

/**
 * Traffic over time from the session history: per hour for a day, or per day for a month, of one
 * client or the whole broker. A session's counters are totals, so its bytes are spread evenly
 * over the time it was up (connected to last seen) and a bucket gets the share of the time that
 * falls in it; a bucket's sessions are those up at some moment in it (docs/decisions.md 33). The
 * API, the web UI's charts and the dashboard's top clients read the same series.
 */
public final class TrafficSeries {
    /** How far back a series reaches, and its step. */
    public enum Period {
        DAY(Duration.ofHours(1), 24, ChronoUnit.HOURS), MONTH(Duration.ofDays(1), 30, ChronoUnit.DAYS);

        final Duration step;
        final int buckets;
        final ChronoUnit unit;

        Period(Duration step, int buckets, ChronoUnit unit) {
            this.step = step;
            this.buckets = buckets;
            this.unit = unit;
        }

        public static Period parse(String text) {
            if (text == null || text.isEmpty()) {
                return DAY;
            }
            for (Period p : values()) {
                if (p.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return p;
                }
            }
            throw new InvalidInputException("period " + Validation.quote(text) + ": accepted day (24 hours, by hour) or month "
                    + "(30 days, by day)");
        }

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One step of a series: from {@code start}, the sessions up in it and the bytes that fell in it. */
    public record Bucket(Instant start, int sessions, long bytesIn, long bytesOut) {
    }

    /** A client's share of a period's traffic. */
    public record Top(String client, long bytesIn, long bytesOut) {
        public long total() {
            return bytesIn + bytesOut;
        }
    }

    public record Series(Period period, String client, List<Bucket> buckets) {
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("period", period.cliName());
            m.put("step", period.step.toString());
            m.put("client", client);
            m.put("items", buckets.stream().map(b -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("start", b.start().toString());
                x.put("sessions", b.sessions());
                x.put("bytesIn", b.bytesIn());
                x.put("bytesOut", b.bytesOut());
                return x;
            }).toList());
            return m;
        }
    }

    private TrafficSeries() {
    }

    /** The first bucket's start: the period's length before the end of the current step. */
    static Instant first(Period p, Instant now) {
        return now.truncatedTo(p.unit).plus(p.step).minus(p.step.multipliedBy(p.buckets));
    }

    /** The series of one client (by name) or, with {@code client} null, of the whole broker, up to {@code now}. */
    public static Series of(Store store, String client, Period p, Instant now) {
        Instant from = first(p, now);
        Instant to = from.plus(p.step.multipliedBy(p.buckets));
        int[] sessions = new int[p.buckets];
        double[] in = new double[p.buckets];
        double[] out = new double[p.buckets];
        store.read(tx -> {
            tx.sessionsBetween(client, from, to, s -> spread(s, from, p, sessions, in, out, null));
            return null;
        });
        List<Bucket> buckets = new ArrayList<>(p.buckets);
        for (int i = 0; i < p.buckets; i++) {
            buckets.add(new Bucket(from.plus(p.step.multipliedBy(i)), sessions[i], Math.round(in[i]), Math.round(out[i])));
        }
        return new Series(p, client, buckets);
    }

    /** The {@code limit} clients with the most bytes in the period, most first. */
    public static List<Top> top(Store store, Period p, Instant now, int limit) {
        Instant from = first(p, now);
        Instant to = from.plus(p.step.multipliedBy(p.buckets));
        Map<String, double[]> byClient = new HashMap<>();
        store.read(tx -> {
            tx.sessionsBetween(null, from, to, s -> spread(s, from, p, new int[p.buckets], new double[p.buckets],
                    new double[p.buckets], byClient.computeIfAbsent(s.clientName(), k -> new double[2])));
            return null;
        });
        return byClient.entrySet().stream().map(e -> new Top(e.getKey(), Math.round(e.getValue()[0]), Math.round(e.getValue()[1])))
                .filter(t -> t.total() > 0).sorted(Comparator.comparingLong(Top::total).reversed().thenComparing(Top::client))
                .limit(limit).toList();
    }

    /** Adds a session's share to each bucket it overlaps, and to {@code sum} (in, out) when given. */
    private static void spread(SessionRow s, Instant from, Period p, int[] sessions, double[] in, double[] out, double[] sum) {
        Instant start = s.connectedAt();
        Instant end = s.endedAt() != null ? s.endedAt() : s.lastSeen();
        if (end.isBefore(start)) {
            end = start;
        }
        long life = Math.max(1, Duration.between(start, end).toMillis());
        for (int i = 0; i < p.buckets; i++) {
            Instant a = from.plus(p.step.multipliedBy(i));
            Instant b = a.plus(p.step);
            Instant lo = start.isAfter(a) ? start : a;
            Instant hi = end.isBefore(b) ? end : b;
            if (hi.isBefore(lo) || (hi.equals(lo) && !(start.equals(end) && !start.isBefore(a) && start.isBefore(b)))) {
                continue;
            }
            sessions[i]++;
            double share = start.equals(end) ? 1.0 : (double) Duration.between(lo, hi).toMillis() / life;
            in[i] += s.bytesIn() * share;
            out[i] += s.bytesOut() * share;
            if (sum != null) {
                sum[0] += s.bytesIn() * share;
                sum[1] += s.bytesOut() * share;
            }
        }
    }
}
