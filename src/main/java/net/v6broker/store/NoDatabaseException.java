package net.v6broker.store;

/**
 * The broker's database is not there or not the broker's: a missing SQLite file, an empty database,
 * one made by a newer version, or another broker's. Nothing was changed.
 */
public final class NoDatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoDatabaseException(String message) {
        super(message);
    }
}
