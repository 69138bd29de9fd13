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
    public static final int SCHEMA_VERSION = 15;
    /** The first schema with the broker's identity (the {@code broker} table). */
    public static final int IDENTITY_VERSION = 6;
    private static final int POOL_SIZE = 4;
    private static final int BUSY_TIMEOUT_MS = 60_000;

    /** Every write transaction on PostgreSQL holds this advisory lock: writers queue, as on SQLite. */
    static final long WRITE_LOCK = 0x7636_6272_6f6b_6572L; // "v6broker"

    private final String url;
    private final String user;
    private final String password;
    /** SQLite only: whether connecting may create the file ({@code init}), or must find it. */
    private final boolean mayCreate;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL_SIZE);
    private volatile int version;

    private Store(String url, String user, String password, boolean mayCreate) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.mayCreate = mayCreate;
    }

    /**
     * Opens an existing broker database, as it is: {@link #migrate} brings its schema up to date once
     * the caller has checked that it is the right database. Refuses, changing nothing, a SQLite file
     * that does not exist, a database that holds no v6broker schema (an empty file, a wrong
     * {@code database.url}) and one made by a newer version: only {@link #create} makes a database.
     */
    public static Store open(String url, String user, String password) {
        Store store = new Store(url, user, password, false);
        if (store.dialect().equals("sqlite") && !java.nio.file.Files.exists(Path.of(url.substring("jdbc:sqlite:".length())))) {
            throw new NoDatabaseException("the database file " + url.substring("jdbc:sqlite:".length()) + " does not exist "
                    + "(deleted, moved, or a typo in database.url?): restore it from a backup; only 'v6broker init' creates "
                    + "a database, and no other command makes an empty one in its place");
        }
        try {
            int version = store.readSchemaVersion();
            if (version == 0) {
                throw new NoDatabaseException("the database " + store.redacted() + " holds no v6broker schema (is "
                        + "database.url in config.json right? an empty database is never filled in, only 'v6broker init' "
                        + "creates one)");
            }
            if (version > SCHEMA_VERSION) {
                throw new NoDatabaseException("the database " + store.redacted() + " has schema version " + version
                        + ", newer than this v6broker knows (" + SCHEMA_VERSION + "): run the v6broker that made it");
            }
            store.version = version;
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The embedded database file, which must exist, as it is. */
    public static Store openSqlite(Path file) {
        return open("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }

    /**
     * Creates the schema in a new database: a SQLite file that does not exist yet, or an empty
     * PostgreSQL database (or one that a failed earlier create left with the schema but no broker and
     * no client). Refuses one that holds a broker.
     */
    public static Store create(String url, String user, String password) {
        Store store = new Store(url, user, password, true);
        try {
            store.version = store.readSchemaVersion();
            if (store.version > 0 && store.holdsABroker()) {
                throw new NoDatabaseException("the database " + store.redacted() + " already holds a broker: a new broker "
                        + "needs an empty database");
            }
            store.migrate();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * {@link #create}, with the schema only up to {@code version}: for rows written by a broker of
     * that version, which {@link #migrate} then brings up to date as it would that broker's database.
     */
    public static Store create(String url, String user, String password, int version) {
        if (version < 1 || version > SCHEMA_VERSION) {
            throw new IllegalArgumentException("schema version " + version + ": this v6broker knows 1.." + SCHEMA_VERSION);
        }
        Store store = new Store(url, user, password, true);
        try {
            store.version = store.readSchemaVersion();
            if (store.version > 0) {
                throw new NoDatabaseException("the database " + store.redacted() + " is not empty");
            }
            store.migrate(version);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Whether a database with the schema records an identity or a client. */
    private boolean holdsABroker() {
        return read(tx -> (version >= IDENTITY_VERSION && tx.identity().isPresent()) || tx.countClients() + tx.countDeletedClients() > 0);
    }

    /** The schema version of the database as opened, or as {@link #migrate} left it. */
    public int schemaVersion() {
        return version;
    }

    /** Brings the schema up to date (nothing when it is current). */
    public void migrate() {
        if (version >= SCHEMA_VERSION) {
            return; // the common case: no Flyway start-up cost on every command
        }
        migrate(SCHEMA_VERSION);
    }

    private void migrate(int target) {
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration/" + dialect())
                .target(org.flywaydb.core.api.MigrationVersion.fromVersion(Integer.toString(target)))
                .load()
                .migrate();
        version = readSchemaVersion();
    }

    /**
     * The newest migration applied, 0 when the database has no schema history (an empty database).
     * Read on a connection of its own that sets nothing: a SQLite file that is not a broker's is
     * neither switched to WAL mode nor given a header by being looked at.
     */
    private int readSchemaVersion() {
        try (Connection c = probe()) {
            String exists = dialect().equals("sqlite")
                    ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'"
                    : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_name = 'flyway_schema_history'";
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(exists)) {
                r.next();
                if (r.getLong(1) == 0) {
                    return 0;
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success")) {
                return r.next() ? r.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw Tx.translate("reading the schema version of the database " + redacted(), e);
        }
    }

    /** A plain connection: SQLite without pragmas (and without creating the file unless allowed). */
    private Connection probe() throws SQLException {
        if (!dialect().equals("sqlite")) {
            return connect();
        }
        Properties p = new Properties();
        p.setProperty("open_mode", Integer.toString(org.sqlite.SQLiteOpenMode.READWRITE.flag
                | (mayCreate ? org.sqlite.SQLiteOpenMode.CREATE.flag : 0)));
        Connection c = new org.sqlite.JDBC().connect(url, p);
        if (c == null) {
            throw new SQLException("the sqlite driver does not accept the URL " + redacted());
        }
        return c;
    }

    private String dialect() {
        return url.startsWith("jdbc:postgresql:") ? "postgresql" : "sqlite";
    }

    /** Runs {@code work} in one write transaction and commits it; any exception rolls it back. */
    public <T> T inTransaction(TxWork<T> work) {
        return withConnection(c -> committed(c, tx -> {
            if (dialect().equals("postgresql")) {
                try (var lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, WRITE_LOCK);
                    lock.execute();
                }
            }
            return work.run(tx);
        }));
    }

    /** Runs {@code work} in a transaction of the driver's on {@code c}, committed; any exception rolls it back. */
    private <T> T committed(Connection c, TxWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = run(c, work);
            c.commit();
            return result;
        } catch (RuntimeException | SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Runs read-only work on one consistent snapshot of the whole database, while writers go on: a
     * REPEATABLE READ transaction on PostgreSQL, a deferred read transaction on SQLite (in WAL
     * mode a reader neither blocks writers nor sees their later commits). For a backup.
     */
    public <T> T snapshot(TxWork<T> work) {
        return withConnection(c -> {
            if (dialect().equals("postgresql")) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try {
                    return committed(c, work);
                } finally {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
            // the driver's own transactions begin IMMEDIATE, which takes the write lock: this one is a reader's
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("BEGIN DEFERRED");
            }
            try {
                T result = run(c, work);
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (RuntimeException | SQLException e) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                }
                throw e;
            }
        });
    }

    /** Runs read-only work outside an explicit transaction. */
    public <T> T read(TxWork<T> work) {
        return withConnection(c -> run(c, work));
    }

    /** Runs {@code work} with a new {@link Tx} on {@code c} and closes the statements it kept. */
    private <T> T run(Connection c, TxWork<T> work) throws SQLException {
        Tx tx = new Tx(c, dialect().equals("postgresql"));
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
            // for getGeneratedKeys, which nothing here calls (ids come back by RETURNING)
            // (docs/decisions.md, 18).
            p.setProperty("jdbc.get_generated_keys", "false");
            if (!mayCreate) {
                // read-write without SQLITE_OPEN_CREATE: a missing file fails, it is never made empty
                p.setProperty("open_mode", Integer.toString(org.sqlite.SQLiteOpenMode.READWRITE.flag));
            }
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
        // path first (PostgreSQL's sets up java.util.logging), which a SQLite command need not pay for.
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
