package net.v6broker.client;

import java.util.Locale;

/** A client's state. Revoked is final. */
public enum ClientStatus {
    ACTIVE, SUSPENDED, REVOKED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** From its stored name ({@link #dbName}). */
    public static ClientStatus of(String db) {
        return valueOf(db.toUpperCase(Locale.ROOT));
    }
}
