package net.v6broker.store;

import java.util.Locale;

/** A client's state. Revoked is final. */
public enum ClientStatus {
    ACTIVE, SUSPENDED, REVOKED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ClientStatus of(String db) {
        return valueOf(db.toUpperCase(Locale.ROOT));
    }
}
