package net.v6broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail is append-only in the database itself: UPDATE, DELETE (and TRUNCATE) of its rows fail, on both databases. */
class AuditAppendOnlyTest {
    @TempDir
    Path dir;

    private static final AuditRow ROW = new AuditRow(0, Instant.parse("2026-12-03T10:00:00Z"), "api", "ops", "198.51.100.7",
            "revoke", 1L, "alice", "serial 01", "{\"status\":\"active\"}", "{\"status\":\"revoked\"}");

    private static void refusesChanges(Store store, List<String> statements) {
        store.inTransaction(tx -> {
            tx.appendAudit(ROW);
            tx.appendAudit(ROW);
            return null;
        });
        List<AuditRow> before = store.read(tx -> tx.audit(null, null, 0, 10));
        assertThat(before).hasSize(2);
        for (String sql : statements) {
            assertThatThrownBy(() -> store.inTransaction(tx -> {
                try (PreparedStatement s = tx.connection().prepareStatement(sql)) {
                    s.executeUpdate();
                }
                return null;
            })).as(sql).isInstanceOf(RuntimeException.class).hasMessageContaining("append-only");
        }
        List<AuditRow> after = store.read(tx -> tx.audit(null, null, 0, 10));
        assertThat(after).as("the rows, unchanged").isEqualTo(before);
        List<AuditRow> alices = store.read(tx -> tx.audit("ALICE", ROW.at(), 0, 10));
        assertThat(alices).hasSize(2);
        List<AuditRow> bobs = store.read(tx -> tx.audit("bob", null, 0, 10));
        assertThat(bobs).isEmpty();
    }

    @Test
    void onSqlite() {
        try (Store store = Store.create("jdbc:sqlite:" + dir.resolve("audit.db"), null, null)) {
            refusesChanges(store, List.of("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                    "DELETE FROM audit WHERE id = 1", "UPDATE audit SET after = NULL WHERE id = 2"));
        }
    }

    @Test
    void onPostgres() {
        PostgresServer.assumeAvailable();
        try (PostgresServer pg = PostgresServer.start(); Store store = Store.create(pg.jdbcUrl(), pg.user(), pg.password())) {
            refusesChanges(store, List.of("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                    "DELETE FROM audit WHERE id = 1", "UPDATE audit SET after = NULL WHERE id = 2", "TRUNCATE audit"));
        }
    }
}
