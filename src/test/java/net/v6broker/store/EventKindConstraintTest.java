package net.v6broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events table takes only the kinds of {@link EventKind}, on both databases. */
class EventKindConstraintTest {
    @TempDir
    Path dir;

    private static void refusesAnUnknownKindAndTakesEveryKnownOne(Store store) {
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            try (PreparedStatement s = tx.connection().prepareStatement("INSERT INTO events (at, kind) VALUES (1, 'bogus')")) {
                s.executeUpdate();
            }
            return null;
        })).isInstanceOf(StoreException.class);
        store.inTransaction(tx -> {
            for (EventKind k : EventKind.values()) {
                tx.appendEvent(Instant.EPOCH, k, null, null, null);
            }
            return null;
        });
        java.util.List<EventRow> rows = store.read(tx -> tx.eventsAfter(0, 100));
        assertThat(rows).extracting(EventRow::kind).containsExactly(EventKind.values());
    }

    @Test
    void onSqlite() {
        try (Store store = Store.create("jdbc:sqlite:" + dir.resolve("kinds.db"), null, null)) {
            refusesAnUnknownKindAndTakesEveryKnownOne(store);
        }
    }

    @Test
    void onPostgres() {
        PostgresServer.assumeAvailable();
        try (PostgresServer pg = PostgresServer.start(); Store store = Store.create(pg.jdbcUrl(), pg.user(), pg.password())) {
            refusesAnUnknownKindAndTakesEveryKnownOne(store);
        }
    }
}
