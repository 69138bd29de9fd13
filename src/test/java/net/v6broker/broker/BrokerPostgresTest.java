package net.v6broker.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.v6broker.config.BrokerConfig;
import net.v6broker.store.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The broker's guarantees on a real PostgreSQL server (Debian's package, started by the test). */
class BrokerPostgresTest extends BrokerTest {
    static PostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        Assumptions.assumeTrue(PostgresServer.available(),
                "skipped: needs root and Debian's postgresql package (./run-tests installs it)");
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    TestBroker open(Path dir, String prefix, int quarantineDays) {
        pg.reset();
        try {
            Path secret = Files.createDirectories(dir).resolve("db-password");
            Files.writeString(secret, pg.password() + "\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            return new TestBroker(dir, prefix, quarantineDays,
                    new BrokerConfig.Database(pg.jdbcUrl(), pg.user(), secret.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
