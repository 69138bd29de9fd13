package net.v6broker.store;

import java.util.Locale;

/**
 * What an event of the stream records; stored as its {@link #dbName} (the database refuses any
 * other, migration 7). The effects a client event implies are derived from its kind in one place,
 * {@code broker.Effects}, by the broker for its own change and by every daemon that reads it.
 */
public enum EventKind {
    INIT, ADD, REVOKE, SUSPEND, RESUME, RENEW, DELETE,
    /** a CRL was issued (with a revocation, when due, or on demand) */
    CRL,
    NODE_ADD, NODE_JOIN, LINK_CREATE, LINK_DELETE, LINK_CANCEL,
    /** a region of subnet blocks added to the plan ({@code plan add-region}) */
    REGION_ADD,
    /** a client given a prefix of another size ({@code client resize}) */
    RESIZE,
    /** a CA rollover began or ended: the CA and server files changed ({@code ca rollover}) */
    CA_CHANGE;

    /** The stored text: the name in lower case with '-' ({@code node-add}). */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind stored as {@code text}. */
    public static EventKind of(String text) {
        for (EventKind k : values()) {
            if (k.dbName().equals(text)) {
                return k;
            }
        }
        throw new IllegalStateException("the events table holds an unknown kind '" + text + "'");
    }
}
