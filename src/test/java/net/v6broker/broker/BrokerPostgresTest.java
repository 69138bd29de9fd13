package net.v6broker.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.v6broker.config.BrokerConfig;
import net.v6broker.store.PostgresServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker's guarantees on a real PostgreSQL server (Debian's package, started by the test). */
class BrokerPostgresTest extends BrokerTest {
    @RegisterExtension
    static final PostgresServer.ForClass pg = new PostgresServer.ForClass();

    @Override
    TestBroker open(Path dir, String prefix, int quarantineDays) {
        pg.get().reset();
        try {
            Path secret = Files.createDirectories(dir).resolve("db-password");
            Files.writeString(secret, pg.get().password() + "\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            return new TestBroker(dir, prefix, quarantineDays,
                    new BrokerConfig.Database(pg.get().jdbcUrl(), pg.get().user(), secret.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
