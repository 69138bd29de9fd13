package net.v6broker.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.flywaydb.core.Flyway;

/**
 * The broker's database: the embedded SQLite file by default. Work runs in transactions given as
 * callbacks ({@code store.inTransaction(tx -> ...)}); a callback that throws rolls everything back.
 *
 * <p>SQLite write transactions begin IMMEDIATE, so concurrent writers — threads or processes —
 * queue on the database lock (up to the busy timeout) instead of failing midway.
 *
 * <p>Thread-safe: each transaction borrows one connection from a small pool.
 */
public final class Store implements AutoCloseable {
    /** The highest migration version shipped; a database at this version skips Flyway at open. */
    static final int SCHEMA_VERSION = 5;
    private static final int POOL_SIZE = 4;
    private static final int BUSY_TIMEOUT_MS = 60_000;

    /** Every write transaction on PostgreSQL holds this advisory lock: writers queue, as on SQLite. */
    static final long WRITE_LOCK = 0x7636_6272_6f6b_6572L; // "v6broker"

    private final String url;
    private final String user;
    private final String password;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL_SIZE);

    private Store(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The embedded database file, created and migrated when missing. */
    public static Store openSqlite(Path file) {
        return open("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Opens a database by JDBC URL and brings its schema up to date. */
    public static Store open(String url) {
        return open(url, null, null);
    }

    /** Opens a database with credentials (PostgreSQL) and brings its schema up to date. */
    public static Store open(String url, String user, String password) {
        Store store = new Store(url, user, password);
        store.migrateIfBehind();
        return store;
    }

    private void migrateIfBehind() {
        if (currentVersion() >= SCHEMA_VERSION) {
            return; // the common case: no Flyway start-up cost on every CLI call
        }
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration/" + dialect())
                .load()
                .migrate();
    }

    private int currentVersion() {
        return withConnection(c -> {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery(
                         "SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success")) {
                return r.next() ? r.getInt(1) : 0;
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return 0; // no history table yet
            }
        });
    }

    private String dialect() {
        return url.startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite";
    }

    /** Runs {@code work} in one write transaction and commits it; any exception rolls it back. */
    public <T> T inTransaction(TxWork<T> work) {
        return withConnection(c -> {
            c.setAutoCommit(false);
            try {
                if (dialect().equals("postgresql")) {
                    try (var lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                        lock.setLong(1, WRITE_LOCK);
                        lock.execute();
                    }
                }
                T result = run(c, work);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** Runs read-only work outside an explicit transaction. */
    public <T> T read(TxWork<T> work) {
        return withConnection(c -> run(c, work));
    }

    /** Runs {@code work} with a new {@link Tx} on {@code c} and closes the statements it kept. */
    private static <T> T run(Connection c, TxWork<T> work) throws SQLException {
        Tx tx = new Tx(c);
        T result;
        try {
            result = work.run(tx);
        } catch (RuntimeException | SQLException e) {
            try {
                tx.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        tx.close();
        return result;
    }

    private <T> T withConnection(ConnectionWork<T> work) {
        Connection c = idle.poll();
        try {
            if (c == null) {
                c = connect();
            }
            T result = work.run(c);
            if (!idle.offer(c)) {
                c.close();
            }
            c = null;
            return result;
        } catch (SQLException e) {
            throw Tx.translate("database " + redacted(), e);
        } finally {
            if (c != null) {
                try {
                    c.close(); // a connection that failed midway is not reused
                } catch (SQLException ignored) {
                    // already failing; the first error is the one reported
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (dialect().equals("sqlite")) {
            p.setProperty("journal_mode", "WAL");
            p.setProperty("synchronous", "NORMAL");
            p.setProperty("foreign_keys", "true");
            p.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
            p.setProperty("transaction_mode", "IMMEDIATE");
            // Otherwise the driver runs "SELECT last_insert_rowid()" after every INSERT and UPDATE
            // for getGeneratedKeys, which nothing here calls (ids come back by RETURNING): a third
            // of the database time of a 1,000-client import (docs/decisions.md, 18).
            p.setProperty("jdbc.get_generated_keys", "false");
        } else {
            if (user != null) {
                p.setProperty("user", user);
            }
            if (password != null) {
                p.setProperty("password", password);
            }
            p.setProperty("ApplicationName", "v6broker");
        }
        // The driver itself, not DriverManager: that loads and initialises every driver on the class
        // path first (PostgreSQL's sets up java.util.logging), some 10 ms of each SQLite command.
        java.sql.Driver driver = dialect().equals("sqlite") ? new org.sqlite.JDBC() : new org.postgresql.Driver();
        Connection c = driver.connect(url, p);
        if (c == null) {
            throw new SQLException("the " + dialect() + " driver does not accept the URL " + redacted());
        }
        return c;
    }

    /** The URL, for messages (it never carries a password: see BrokerConfig.Database). */
    String redacted() {
        return url;
    }

    @Override
    public void close() {
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing: nothing left to do with this connection
            }
        }
    }

    /** A unit of database work. */
    @FunctionalInterface
    public interface TxWork<T> {
        T run(Tx tx) throws SQLException;
    }

    @FunctionalInterface
    private interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }
}
