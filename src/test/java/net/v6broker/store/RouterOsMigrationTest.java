package net.v6broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 12 lets a client's os (and a subscription request's) be openwrt or router. SQLite changes
 * a CHECK only by copying the table, and clients is the parent of three tables: a database at
 * version 11 with a client, its certificate, its allocation and a request keeps every row and every
 * reference, on both databases, and then takes the new values and still refuses others.
 */
class RouterOsMigrationTest {
    @TempDir
    Path dir;

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    b.append(i > 1 ? "|" : "").append(r.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    private void migratesKeepingEveryRowAndTakesTheRouterValues(String url, String user, String password, String dialect)
            throws Exception {
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration/" + dialect).target("11").load().migrate();
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            exec(c, "INSERT INTO clients (id, name, type, os, email, status, pool_index, serial, created_at, updated_at, size) "
                            + "VALUES (7, 'site', 'subnet', 'linux', 'a@example.net', 'active', 3, '1f', 1, 2, 56)",
                    "INSERT INTO certificates (serial, client_id, role, common_name, not_before, not_after, certificate_pem, created_at) "
                            + "VALUES ('1f', 7, 'client', 'site', 1, 2, 'PEM', 1)",
                    "INSERT INTO allocations (pool, pool_index, client_id, allocated_at) VALUES ('subnet56', 3, 7, 1)",
                    "INSERT INTO subscription_requests (id, name, email, type, os, reason, status, subscriber_hash, created_at, "
                            + "client_id, client_name, size) VALUES (1, 'site', 'a@example.net', 'subnet', 'macos', 'lab', 'approved', "
                            + "'h', 1, 7, 'site', 56)");
        }
        try (Store store = Store.open(url, user, password)) {
            assertThat(store.schemaVersion()).isEqualTo(11);
            store.migrate();
            assertThat(store.schemaVersion()).isEqualTo(Store.SCHEMA_VERSION);
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            assertThat(rows(c, "SELECT id, name, type, os, email, status, pool_index, serial, size FROM clients"))
                    .containsExactly("7|site|subnet|linux|a@example.net|active|3|1f|56");
            assertThat(rows(c, "SELECT c.name FROM certificates x JOIN clients c ON c.id = x.client_id")).containsExactly("site");
            assertThat(rows(c, "SELECT pool, pool_index, client_id FROM allocations")).containsExactly("subnet56|3|7");
            assertThat(rows(c, "SELECT os, client_id, size FROM subscription_requests")).containsExactly("macos|7|56");
            if (dialect.equals("sqlite")) {
                exec(c, "PRAGMA foreign_keys = ON");
                assertThat(rows(c, "PRAGMA foreign_key_check")).as("every reference still has its parent").isEmpty();
                assertThat(rows(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'clients' ORDER BY name"))
                        .containsExactly("clients_email", "clients_holder", "clients_idempotency_key", "clients_live_name",
                                "clients_status_name", "clients_status_type", "clients_type_name");
            }
            exec(c, "UPDATE clients SET os = 'openwrt' WHERE id = 7", "UPDATE subscription_requests SET os = 'router' WHERE id = 1");
            assertThatThrownBy(() -> exec(c, "UPDATE clients SET os = 'beos' WHERE id = 7")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> exec(c, "INSERT INTO clients (id, name, type, os, status, pool_index, serial, created_at, "
                    + "updated_at, size) VALUES (8, 'SITE', 'subnet', 'linux', 'active', 4, '20', 1, 2, 64)"))
                    .as("one live client per name, as before").isInstanceOf(SQLException.class);
        }
    }

    @Test
    void onSqlite() throws Exception {
        migratesKeepingEveryRowAndTakesTheRouterValues("jdbc:sqlite:" + dir.resolve("v11.db"), null, null, "sqlite");
    }

    @Test
    void onPostgres() throws Exception {
        PostgresServer.assumeAvailable();
        try (PostgresServer pg = PostgresServer.start()) {
            migratesKeepingEveryRowAndTakesTheRouterValues(pg.jdbcUrl(), pg.user(), pg.password(), "postgresql");
        }
    }
}
