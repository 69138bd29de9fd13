package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.store.Migration;
import net.v6broker.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "db", description = "The broker's database.")
final class DbCommands implements Runnable {
    private final Context context;

    DbCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: migrate-to");
    }

    @Command(name = "migrate-to", description = "Move this broker's state from the embedded SQLite file to PostgreSQL, "
            + "keeping every id, prefix and serial.")
    static final class MigrateTo implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "postgres", description = "The target kind (only 'postgres').")
        String kind;
        @Option(names = "--url", required = true, paramLabel = "jdbc:postgresql://HOST[:PORT]/DB")
        String url;
        @Option(names = "--user", required = true, paramLabel = "ROLE")
        String user;
        @Option(names = "--password-file", required = true, paramLabel = "FILE",
                description = "A file whose first line is the password (copied into the home as db-password, mode 0600).")
        Path passwordFile;

        MigrateTo(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (!"postgres".equals(kind)) {
                throw new InvalidInputException("unknown target '" + kind + "': accepted postgres");
            }
            BrokerConfig config = context.config();
            if (config.database().postgres()) {
                throw new InvalidInputException("this broker already uses PostgreSQL (" + config.database().url() + ")");
            }
            if (!user.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
                throw new InvalidInputException("invalid --user '" + user + "': accepted a PostgreSQL role name");
            }
            BrokerConfig.Database target = new BrokerConfig.Database(url, user, "db-password");
            Home home = context.home();
            String password = context.home().read(passwordFile.toAbsolutePath()).lines().findFirst().orElse("").strip();
            Map<String, Long> counts;
            try (Store pg = Store.create(url, user, password)) {
                counts = Migration.copy(context.store(), pg);
                long clients = pg.read(tx -> tx.countClients());
                if (clients != counts.get("clients") - context.store().read(tx -> (long) countDeleted(tx))) {
                    throw new IllegalStateException("copied " + counts.get("clients") + " client rows but PostgreSQL lists "
                            + clients + " live clients: the configuration was not changed");
                }
            }
            Home.writeAtomically(home.dir().resolve("db-password"), password + "\n", Home.PRIVATE);
            BrokerConfig moved = config.withDatabase(target);
            home.writeConfig(moved);
            context.out.printf("migrated to %s as %s:%n", url, user);
            counts.forEach((table, n) -> context.out.printf("  %-22s %d rows%n", table, n));
            context.out.printf("config.json now points at PostgreSQL; %s is kept untouched as a backup%n",
                    Files.exists(home.database()) ? home.database() : "the SQLite file");
        }

        private static long countDeleted(net.v6broker.store.Tx tx) throws java.sql.SQLException {
            return tx.countDeletedClients();
        }
    }
}
