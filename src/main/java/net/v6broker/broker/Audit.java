package net.v6broker.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.v6broker.store.AuditRow;

/** The rows of the audit trail, made in one place: a client's recorded state and the row of a change. */
public final class Audit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Audit() {
    }

    /** A row about a client (or about the broker, when {@code clientId} is null) to append. */
    public static AuditRow row(Actor actor, Instant at, String action, Long clientId, String clientName, String detail,
                               Optional<Client> before, Optional<Client> after) {
        return new AuditRow(0, at, actor.kind().dbName(), actor.name(), actor.origin(), action, clientId, clientName, detail,
                before.map(Audit::state).orElse(null), after.map(Audit::state).orElse(null));
    }

    /**
     * Appends an event about the broker itself (a node, a link, the home's creation) with its audit
     * row, in the caller's transaction: for changes made outside the broker's own operations.
     */
    public static void event(net.v6broker.store.Tx tx, Actor actor, Instant at, net.v6broker.store.EventKind kind, String detail)
            throws java.sql.SQLException {
        tx.appendEvent(at, kind, null, null, detail);
        tx.appendAudit(row(actor, at, kind.dbName(), null, null, detail, Optional.empty(), Optional.empty()));
    }

    /** What the trail keeps of a client: what a change can alter, and nothing secret. */
    static String state(Client c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", c.status().dbName());
        m.put("type", c.type().cliName());
        m.put("prefix", c.assignment().prefix().toString());
        m.put("serial", c.serial());
        m.put("notAfter", c.notAfter().toString());
        m.put("os", c.os().cliName());
        m.put("email", c.email());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
