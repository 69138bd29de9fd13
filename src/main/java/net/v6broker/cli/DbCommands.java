package net.v6broker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.Migration;
import net.v6broker.store.Store;

/** {@code db migrate-to}: the broker's database. */
final class DbCommands {
    private DbCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("db", "The broker's database.").sub(migrateTo(c));
    }

    private static Spec migrateTo(Context c) {
        return Spec.command("migrate-to", a -> {
            String kind = a.positional(0);
            String url = a.value("--url");
            String user = a.value("--user");
            if (!"postgres".equals(kind)) {
                throw new InvalidInputException("unknown target '" + kind + "': accepted postgres");
            }
            BrokerConfig config = c.config();
            if (config.database().postgres()) {
                throw new InvalidInputException("this broker already uses PostgreSQL (" + config.database().url() + ")");
            }
            if (!user.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw new InvalidInputException("invalid --user '" + user + "': accepted a PostgreSQL role name");
            }
            BrokerConfig.Database target = new BrokerConfig.Database(url, user, "db-password");
            Home home = c.home();
            String password = home.read(a.path("--password-file").toAbsolutePath()).lines().findFirst().orElse("").strip();
            Map<String, Long> counts;
            try (Store pg = Store.create(url, user, password)) {
                counts = Migration.copy(c.store(), pg);
                long clients = pg.read(tx -> tx.countClients());
                long deleted = c.store().read(tx -> tx.countDeletedClients());
                if (clients != counts.get("clients") - deleted) {
                    throw new IllegalStateException("copied " + counts.get("clients") + " client rows but PostgreSQL lists "
                            + clients + " live clients: the configuration was not changed");
                }
            }
            Home.writeAtomically(home.dir().resolve("db-password"), password + "\n", Home.PRIVATE);
            home.writeConfig(config.withDatabase(target));
            c.out.printf("migrated to %s as %s:%n", url, user);
            counts.forEach((table, n) -> c.out.printf("  %-22s %d rows%n", table, n));
            c.out.printf("config.json now points at PostgreSQL; %s is kept untouched as a backup%n",
                    Files.exists(home.database()) ? home.database() : "the SQLite file");
            return Cli.OK;
        }, "Move this broker's state from the embedded SQLite file to PostgreSQL, keeping every id, prefix and serial.")
                .positional("postgres", "The target kind (only 'postgres').")
                .required("--url", "jdbc:postgresql://HOST[:PORT]/DB")
                .required("--user", "ROLE")
                .required("--password-file", "FILE",
                        "A file whose first line is the password (copied into the home as db-password, mode 0600).");
    }
}
