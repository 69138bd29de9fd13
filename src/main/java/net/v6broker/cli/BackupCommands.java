package net.v6broker.cli;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import net.v6broker.backup.Backup;
import net.v6broker.backup.Restore;
import net.v6broker.config.Home;
import net.v6broker.error.InvalidInputException;

/** {@code backup} and {@code restore}: a broker's whole state in one file sealed with a passphrase, and a home rebuilt from it. */
final class BackupCommands {
    private BackupCommands() {
    }

    static Spec backup(Context c) {
        return Spec.command("backup", a -> {
            Path out = a.path("--out");
            char[] passphrase = passphrase(a.path("--passphrase-file"), true);
            try {
                Backup.Summary s = Backup.write(c.home(), c.store(), out, passphrase, c.random(), c.clock);
                c.out.printf("backup written: %s (%d bytes, OpenPGP, AES-256 with a passphrase)%n", out, s.bytes());
                print(c, s.counts());
                c.out.println("restore it with: v6broker restore " + out + " --home DIR; or read it with: gpg --decrypt " + out);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            return Cli.OK;
        }, "Write a consistent snapshot of the broker (database, CA, keys, configuration) into one file, while it serves.",
                "The file is an OpenPGP message encrypted with the passphrase (AES-256, integrity-protected): every",
                "private key in it, the CA's and the clients', is only as safe as the passphrase. Works on SQLite and PostgreSQL.")
                .required("--out", "FILE", "The backup to write (replaced at once if it exists; mode 0600).")
                .option("--passphrase-file", "F", null, "A file whose first line is the passphrase (at least "
                        + Backup.MIN_PASSPHRASE + " characters); without it, asked on the terminal twice.");
    }

    static Spec restore(Context c) {
        return Spec.command("restore", a -> {
            Path file = Path.of(a.positional(0));
            char[] passphrase = passphrase(a.path("--passphrase-file"), false);
            try {
                Restore.Summary s = Restore.run(file, c.homeDir, passphrase, c.clock, c.random());
                c.out.printf("restored broker %s into %s%n", s.brokerId(), c.homeDir.toAbsolutePath());
                print(c, s.counts());
                if (s.fromPostgres()) {
                    c.out.println("the backup came from PostgreSQL: the restored home uses the embedded SQLite file; "
                            + "'v6broker db migrate-to postgres' moves it on");
                }
                c.out.println("start it with: v6broker serve --home " + c.homeDir);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            return Cli.OK;
        }, "Rebuild a home from a backup into --home DIR (new or empty), with the embedded SQLite database.",
                "A wrong passphrase or a damaged or truncated file is refused, and nothing is written.")
                .positional("FILE", "A file written by 'v6broker backup'.")
                .option("--passphrase-file", "F", null, "A file whose first line is the passphrase; without it, asked on the terminal.");
    }

    private static void print(Context c, Map<String, Long> counts) {
        counts.forEach((table, n) -> c.out.printf("  %-22s %d rows%n", table, n));
    }

    /** The passphrase: the first line of {@code file}, or typed on the terminal (twice for a new backup). */
    private static char[] passphrase(Path file, boolean confirm) {
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException("--passphrase-file " + file + " does not exist: accepted a file whose first line "
                        + "is the passphrase");
            }
            String line = new Home(file.toAbsolutePath().getParent()).read(file.toAbsolutePath()).lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new InvalidInputException("--passphrase-file " + file + " has an empty first line: accepted a file whose "
                        + "first line is the passphrase");
            }
            return line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new InvalidInputException("no terminal to ask for the passphrase on: give --passphrase-file F");
        }
        char[] first = console.readPassword("passphrase: ");
        if (confirm) {
            char[] again = console.readPassword("passphrase again: ");
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (!same) {
                throw new InvalidInputException("the two passphrases differ; nothing was written");
            }
        }
        return first;
    }
}
