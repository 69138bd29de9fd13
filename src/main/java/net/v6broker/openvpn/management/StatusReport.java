package net.v6broker.openvpn.management;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code status 3} block. Columns are found by the block's own {@code HEADER} lines, so a
 * column OpenVPN adds or moves in a later version does not break us. Rows that don't parse are
 * counted in {@link #rejected} and skipped, never thrown.
 */
public record StatusReport(Instant time, List<Session> sessions, int rejected) {

    public StatusReport {
        sessions = List.copyOf(sessions);
    }

    public static StatusReport parse(Message.Block block) {
        Map<String, Integer> columns = new HashMap<>();
        List<Session> sessions = new ArrayList<>();
        Instant time = null;
        int rejected = 0;
        for (String line : block.lines()) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "HEADER" -> {
                    if (f.length > 1 && f[1].equals("CLIENT_LIST")) {
                        for (int i = 2; i < f.length; i++) {
                            columns.put(f[i], i - 1);
                        }
                    }
                }
                case "TIME" -> {
                    if (f.length >= 3) {
                        time = epoch(f[2]);
                    }
                }
                case "CLIENT_LIST" -> {
                    try {
                        sessions.add(session(f, columns));
                    } catch (RuntimeException e) {
                        rejected++;
                    }
                }
                default -> {
                    // ROUTING_TABLE, GLOBAL_STATS, TITLE: not needed
                }
            }
        }
        return new StatusReport(time, sessions, rejected);
    }

    private static Session session(String[] f, Map<String, Integer> columns) {
        return new Session(
                Long.parseLong(field(f, columns, "Client ID")),
                field(f, columns, "Common Name"),
                field(f, columns, "Real Address"),
                optional(f, columns, "Virtual Address"),
                optional(f, columns, "Virtual IPv6 Address"),
                Long.parseLong(field(f, columns, "Bytes Received")),
                Long.parseLong(field(f, columns, "Bytes Sent")),
                epoch(field(f, columns, "Connected Since (time_t)")));
    }

    private static String field(String[] f, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        if (i == null || i >= f.length) {
            throw new IllegalArgumentException("status row lacks column '" + name + "'");
        }
        return f[i];
    }

    private static String optional(String[] f, Map<String, Integer> columns, String name) {
        Integer i = columns.get(name);
        return i == null || i >= f.length ? "" : f[i];
    }

    private static Instant epoch(String seconds) {
        return Instant.ofEpochSecond(Long.parseLong(seconds));
    }
}
