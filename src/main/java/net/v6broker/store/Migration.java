package net.v6broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a broker's whole state from one database to another with the same schema (the embedded
 * SQLite file to PostgreSQL), row for row: every id, index, serial and date stays as it was, so no
 * client is renumbered. The target must be empty; the copy is one transaction on the target.
 *
 * <p>Not thread-safe; run it with no other writer on the source.
 */
public final class Migration {
    /** Every table of the schema, parents before children. */
    static final List<String> TABLES = List.of("clients", "allocations", "pools", "allocation_free", "certificates", "crls", "events", "sessions",
            "event_cursors", "links", "api_tokens", "subscription_requests", "nodes", "broker", "audit", "reclaim_notices");
    /** Tables whose id is generated, whose sequence must continue after the copied rows. */
    static final List<String> SERIAL = List.of("clients", "events", "sessions", "links", "api_tokens", "subscription_requests", "audit");

    private Migration() {
    }

    /** Copies everything; returns the row count per table. Refuses a target that holds clients. */
    public static Map<String, Long> copy(Store source, Store target) {
        long existing = target.read(Tx::countClients);
        if (existing > 0) {
            throw new IllegalStateException("the target database already holds " + existing
                    + " clients; migrate only into an empty database");
        }
        Map<String, List<Object[]>> rows = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        source.snapshot(tx -> {
            for (String table : TABLES) {
                List<Object[]> out = new ArrayList<>();
                columns.put(table, scan(tx, table, out::add));
                rows.put(table, out);
            }
            return null;
        });
        Map<String, Long> counts = target.inTransaction(tx -> {
            Map<String, Long> copied = new LinkedHashMap<>();
            for (String table : TABLES) {
                insert(tx, table, columns.get(table), rows.get(table));
                copied.put(table, (long) rows.get(table).size());
            }
            continueSequences(tx);
            return copied;
        });
        // A bulk load leaves PostgreSQL without statistics and visibility map until autovacuum comes
        // by: until then a count of 100,000 clients reads the table, not the index (docs/decisions.md, 21)
        target.read(tx -> {
            Connection c = tx.connection();
            if (c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM (ANALYZE) " + String.join(", ", TABLES));
                }
            }
            return null;
        });
        return counts;
    }

    /** Every table of the schema, parents before children: the order to write them in. */
    public static List<String> tables() {
        return TABLES;
    }

    /** Takes a table's columns, then each of its rows, its values in the order of the columns. */
    @FunctionalInterface
    public interface RowSink {
        /** Called once, before the first row. */
        default void columns(List<String> columns) throws SQLException {
        }

        void row(Object[] values) throws SQLException;
    }

    /**
     * Reads every row of {@code table} in this transaction, in the order of its primary key where
     * it has an id, handing each to {@code sink} as read; returns the columns.
     */
    public static List<String> scan(Tx tx, String table, RowSink sink) throws SQLException {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a table of the schema: " + table);
        }
        try (Statement s = tx.connection().createStatement()) {
            // PostgreSQL reads a result whole unless a fetch size is set in a transaction ({@link Store#snapshot} is one):
            // with it, a table of any size streams
            s.setFetchSize(SCAN_FETCH);
            return scan(s.executeQuery("SELECT * FROM " + table), sink);
        }
    }

    /** Rows a scan fetches at a time from PostgreSQL. */
    static final int SCAN_FETCH = 1000;

    private static List<String> scan(ResultSet rows, RowSink sink) throws SQLException {
        try (ResultSet r = rows) {
            ResultSetMetaData m = r.getMetaData();
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                cols.add(m.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
            }
            sink.columns(cols);
            while (r.next()) {
                Object[] row = new Object[cols.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = r.getObject(i + 1);
                }
                sink.row(row);
            }
            return cols;
        }
    }

    /** Inserts rows into {@code table} of this transaction as they were, ids included. */
    public static void insert(Tx tx, String table, List<String> columns, List<Object[]> rows) throws SQLException {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a table of the schema: " + table);
        }
        for (String col : columns) {
            if (!col.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("not a column name: " + col);
            }
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
        try (PreparedStatement p = tx.connection().prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    bind(p, i + 1, row[i]);
                }
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** After rows were inserted with their ids: PostgreSQL's sequences continue after them (SQLite's follow by themselves). */
    public static void continueSequences(Tx tx) throws SQLException {
        Connection c = tx.connection();
        if (c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
            for (String table : SERIAL) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                            + "coalesce((SELECT max(id) FROM " + table + "), 0) + 1, false)");
                }
            }
        }
    }

    /** Binds a value read from SQLite (whose integers come back as Integer or Long) to its target column. */
    private static void bind(PreparedStatement p, int index, Object value) throws SQLException {
        if (value == null) {
            p.setNull(index, p.getParameterMetaData().getParameterType(index));
        } else if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
            p.setLong(index, n.longValue());
        } else {
            p.setObject(index, value);
        }
    }
}
