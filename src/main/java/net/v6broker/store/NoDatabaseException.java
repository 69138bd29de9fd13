package net.v6broker.store;

import net.v6broker.error.BrokerException;

/**
 * The broker's database is not there or not the broker's: a missing SQLite file, an empty database,
 * one made by a newer version, or another broker's. Nothing was changed.
 */
public final class NoDatabaseException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public NoDatabaseException(String message) {
        super(Kind.NO_DATABASE, message);
    }
}
