package net.v6broker.backup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.v6broker.broker.Actor;
import net.v6broker.broker.Audit;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.error.BrokerException;
import net.v6broker.error.InvalidInputException;
import net.v6broker.home.HomeCheck;
import net.v6broker.home.HomeSetup;
import net.v6broker.store.Migration;
import net.v6broker.store.Store;
import net.v6broker.store.Tx;

/**
 * {@code v6broker restore}: rebuilds a home from a backup, with the embedded SQLite database
 * (a backup of a PostgreSQL broker too; {@code db migrate-to postgres} moves it on). Everything
 * is built in a temporary directory beside the target and moved into place only when the whole
 * backup was read, its integrity packet matched, its row counts agreed and the home's keys check
 * out; any refusal (a wrong passphrase, a damaged or truncated file) removes the temporary
 * directory and leaves nothing.
 */
public final class Restore {
    /** Rows inserted a statement batch. */
    static final int BATCH = 500;

    private Restore() {
    }

    /** What was restored: rows per table, the broker's id and whether the backup came from PostgreSQL. */
    public record Summary(Map<String, Long> counts, String brokerId, boolean fromPostgres) {
    }

    public static Summary run(Path file, Path homeDir, char[] passphrase, Clock clock, SecureRandom random) {
        Path target = homeDir.toAbsolutePath().normalize();
        refuseOccupied(target);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("no backup file " + file + ": accepted a file written by 'v6broker backup --out FILE'");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new InvalidInputException("--home " + target + ": its parent directory " + target.getParent()
                    + " does not exist; nothing was written");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".restoring-");
            Summary s;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                Sealed.Opened opened = Sealed.open(in, passphrase, file.toString());
                s = read(opened, file.toString(), new Home(tmp));
                if (!opened.intact()) {
                    throw Sealed.damaged(file.toString(), "its integrity check does not match its content");
                }
            }
            finish(new Home(tmp), file, clock, random);
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("restoring " + file + " into " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                Home.deleteTree(tmp);
            }
        }
    }

    private static void refuseOccupied(Path target) {
        if (Files.isRegularFile(target)) {
            throw new InvalidInputException("--home " + target + " is a file: restore into a new or empty directory");
        }
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> d = Files.newDirectoryStream(target)) {
                if (d.iterator().hasNext()) {
                    throw new InvalidInputException("--home " + target + " is not empty: restore into a new or empty directory "
                            + "(nothing was written)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads the document into the home being built: its files, then a database of the backup's schema with its rows. */
    private static Summary read(Sealed.Opened opened, String file, Home home) throws IOException {
        try (JsonParser p = Backup.JSON.createParser(opened.content())) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, file);
            field(p, "format", file);
            if (!Backup.FORMAT.equals(p.nextTextValue())) {
                throw new InvalidInputException(file + " is an OpenPGP message but not a v6broker backup; nothing was written");
            }
            field(p, "version", file);
            p.nextToken();
            if (p.getIntValue() != Backup.VERSION) {
                throw new InvalidInputException(file + " is a backup of format version " + p.getIntValue() + "; this v6broker "
                        + "reads version " + Backup.VERSION + "; nothing was written");
            }
            field(p, "createdAt", file);
            p.nextToken();
            field(p, "schema", file);
            p.nextToken();
            int schema = p.getIntValue();
            if (schema < 1 || schema > Store.SCHEMA_VERSION) {
                throw new InvalidInputException(file + " holds a database of schema version " + schema + ", newer than this "
                        + "v6broker knows (" + Store.SCHEMA_VERSION + "): restore it with the v6broker that made it");
            }
            field(p, "brokerId", file);
            String brokerId = p.nextTextValue();
            field(p, "files", file);
            expect(p, p.nextToken(), JsonToken.START_OBJECT, file);
            List<Path> known = Backup.files(home);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Path path = home.dir().resolve(p.currentName()).normalize();
                if (!known.contains(path)) {
                    throw Sealed.damaged(file, "an unknown file " + p.currentName());
                }
                String text = p.nextTextValue();
                Files.createDirectories(path.getParent());
                boolean secret = path.getFileName().toString().endsWith(".key") || path.equals(home.caKeyMatch());
                Home.writeAtomically(path, text, secret ? Home.PRIVATE : Home.PUBLIC);
            }
            BrokerConfig config = home.loadConfig();
            boolean fromPostgres = config.database().postgres();
            if (fromPostgres) {
                home.writeConfig(config.withDatabase(new BrokerConfig.Database(null, null, null)));
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            try (Store store = Store.create("jdbc:sqlite:" + home.database(), null, null, schema)) {
                field(p, "tables", file);
                expect(p, p.nextToken(), JsonToken.START_ARRAY, file);
                store.inTransaction(tx -> {
                    try {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            table(p, tx, file, counts);
                        }
                        Migration.continueSequences(tx);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
                field(p, "counts", file);
                expect(p, p.nextToken(), JsonToken.START_OBJECT, file);
                Map<String, Long> stated = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String table = p.currentName();
                    p.nextToken();
                    stated.put(table, p.getLongValue());
                }
                if (!stated.equals(counts)) {
                    throw Sealed.damaged(file, "it lists rows " + stated + " but holds " + counts);
                }
                expect(p, p.nextToken(), JsonToken.END_OBJECT, file);
                store.migrate();
            }
            return new Summary(counts, brokerId, fromPostgres);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.io.EOFException | UncheckedIOException e) {
            throw Sealed.damaged(file, e.getMessage());
        } catch (BrokerException e) {
            throw e;
        } catch (IOException e) {
            // what the OpenPGP stream throws on a cut or changed file
            throw Sealed.damaged(file, e.getMessage());
        }
    }

    private static void table(JsonParser p, Tx tx, String file, Map<String, Long> counts) throws IOException, SQLException {
        field(p, "name", file);
        String name = p.nextTextValue();
        if (!Migration.tables().contains(name) || counts.containsKey(name)) {
            throw Sealed.damaged(file, "an unknown or repeated table " + name);
        }
        field(p, "columns", file);
        expect(p, p.nextToken(), JsonToken.START_ARRAY, file);
        List<String> columns = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
            columns.add(p.getText());
        }
        field(p, "rows", file);
        expect(p, p.nextToken(), JsonToken.START_ARRAY, file);
        List<Object[]> batch = new ArrayList<>(BATCH);
        long n = 0;
        while (p.nextToken() == JsonToken.START_ARRAY) {
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < row.length; i++) {
                JsonToken t = p.nextToken();
                row[i] = switch (t) {
                    case VALUE_NULL -> null;
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_STRING -> p.getText();
                    default -> throw Sealed.damaged(file, "a value of kind " + t + " in table " + name);
                };
            }
            expect(p, p.nextToken(), JsonToken.END_ARRAY, file);
            batch.add(row);
            n++;
            if (batch.size() == BATCH) {
                Migration.insert(tx, name, columns, batch);
                batch.clear();
            }
        }
        Migration.insert(tx, name, columns, batch);
        expect(p, p.nextToken(), JsonToken.END_OBJECT, file);
        counts.put(name, n);
    }

    /**
     * The home as the broker's commands need it: its database opens as its own (mode 0600), its
     * keys check out, its CRL is written, and the trail records the restore.
     */
    private static void finish(Home home, Path file, Clock clock, SecureRandom random) throws IOException {
        BrokerConfig config = home.loadConfig();
        Files.setPosixFilePermissions(home.database(), Home.PRIVATE);
        try (Store store = HomeSetup.openDatabase(home, config, clock)) {
            String crl = store.read(tx -> tx.latestCrl()).orElseThrow(() -> new InvalidInputException(
                    "the backup holds no CRL: it is not of a complete broker; nothing was written")).pem();
            Home.writeAtomically(home.crl(), crl, Home.PUBLIC);
            store.inTransaction(tx -> {
                tx.appendAudit(Audit.row(Actor.commandLine(), clock.instant(), "restore", null, null,
                        "home rebuilt from " + file.toAbsolutePath().getFileName(), Optional.empty(), Optional.empty()));
                return null;
            });
        }
        List<String> problems = HomeCheck.problems(home, clock, random);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("the restored home would not serve: " + String.join("; ", problems)
                    + "; nothing was written");
        }
    }

    private static void field(JsonParser p, String name, String file) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.FIELD_NAME || !name.equals(p.currentName())) {
            throw Sealed.damaged(file, "expected '" + name + "', found " + (t == null ? "the end" : p.getText()));
        }
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String file) throws IOException {
        if (actual != expected) {
            throw Sealed.damaged(file, "expected " + expected + ", found " + (actual == null ? "the end" : p.getText()));
        }
    }
}
