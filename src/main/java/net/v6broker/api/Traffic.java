package net.v6broker.api;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;

/** The live sessions of every node, by client name (the newest if a client has several). Immutable. */
public record Traffic(Map<String, SessionRow> byName, List<SessionRow> all) {
    public static Traffic live(Store store) {
        List<SessionRow> rows = store.read(tx -> tx.liveSessions());
        Map<String, SessionRow> m = new HashMap<>();
        for (SessionRow s : rows) {
            m.merge(s.clientName().toLowerCase(Locale.ROOT), s, (a, b) -> a.connectedAt().isAfter(b.connectedAt()) ? a : b);
        }
        return new Traffic(Map.copyOf(m), List.copyOf(rows));
    }

    public Optional<SessionRow> bySession(String clientName) {
        return Optional.ofNullable(byName.get(clientName.toLowerCase(Locale.ROOT)));
    }

    public static Map<String, Object> json(SessionRow s) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("client", s.clientName());
        m.put("node", s.node());
        m.put("realAddress", s.realAddress());
        m.put("tunnelAddress", s.virtualIpv6());
        m.put("connectedAt", s.connectedAt().toString());
        m.put("lastSeen", s.lastSeen().toString());
        m.put("endedAt", s.endedAt() == null ? null : s.endedAt().toString());
        m.put("bytesIn", s.bytesIn());
        m.put("bytesOut", s.bytesOut());
        return m;
    }
}
