package net.v6broker.backup;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.v6broker.config.Home;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.Migration;
import net.v6broker.store.Store;

/**
 * {@code v6broker backup}: one consistent snapshot of a broker, while it serves. The database's
 * every table is read in one snapshot transaction ({@link Store#snapshot}) and streamed, row by
 * row, with the home's files (configuration, CA, server key and certificate, tls-crypt key) into
 * one JSON document inside an OpenPGP message sealed with a passphrase ({@link Sealed}). Memory
 * stays constant however many clients there are; the file appears complete or not at all.
 *
 * <p>The document: {@code format}, {@code version}, {@code createdAt}, {@code schema},
 * {@code brokerId}, {@code files} (relative path to text), {@code tables} (name, columns, rows)
 * and {@code counts} (rows per table), in that order.
 */
public final class Backup {
    public static final String FORMAT = "v6broker-backup";
    public static final int VERSION = 1;
    /** The shortest passphrase accepted for a new backup. */
    public static final int MIN_PASSPHRASE = 12;
    static final JsonFactory JSON = new JsonFactory();

    private Backup() {
    }

    /** What a backup holds: rows per table, and its size in bytes. */
    public record Summary(Map<String, Long> counts, long bytes) {
    }

    /** The files of a home a backup carries, as paths relative to it; each one that exists is taken. */
    static List<Path> files(Home home) {
        return List.of(home.config(), home.caCertificate(), home.caKey(), home.caKeyMatch(), home.previousCaCertificate(),
                home.previousCaKey(), home.serverCertificate(), home.serverKey(), home.tlsCryptKey());
    }

    /** Writes the backup of this home and database to {@code out} (replacing it at once when it exists, mode 0600). */
    public static Summary write(Home home, Store store, Path out, char[] passphrase, SecureRandom random,
                                Clock clock) {
        if (passphrase.length < MIN_PASSPHRASE) {
            throw new InvalidInputException("the passphrase has " + passphrase.length + " characters: a backup's needs at least "
                    + MIN_PASSPHRASE);
        }
        Path target = out.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new InvalidInputException("--out " + out + " is a directory: accepted a file name (such as broker-2026-12-03.v6b)");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part",
                    PosixFilePermissions.asFileAttribute(Home.PRIVATE));
            Map<String, Long> counts = new LinkedHashMap<>();
            try (OutputStream sealed = Sealed.seal(new BufferedOutputStream(Files.newOutputStream(tmp)), passphrase, random);
                 JsonGenerator g = JSON.createGenerator(sealed, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("format", FORMAT);
                g.writeNumberField("version", VERSION);
                g.writeStringField("createdAt", clock.instant().toString());
                store.snapshot(tx -> {
                    try {
                        writeSnapshot(g, home, store, tx, counts);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
                g.writeObjectFieldStart("counts");
                for (Map.Entry<String, Long> e : counts.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            return new Summary(counts, Files.size(target));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the backup " + out + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the failure that brought us here is the one reported
                }
            }
        }
    }

    private static void writeSnapshot(JsonGenerator g, Home home, Store store, net.v6broker.store.Tx tx, Map<String, Long> counts)
            throws IOException, java.sql.SQLException {
        g.writeNumberField("schema", store.schemaVersion());
        g.writeStringField("brokerId", tx.identity().map(i -> i.brokerId()).orElse(null));
        g.writeObjectFieldStart("files");
        for (Path file : files(home)) {
            if (Files.exists(file)) {
                g.writeStringField(home.dir().relativize(file).toString(), home.read(file));
            }
        }
        g.writeEndObject();
        g.writeArrayFieldStart("tables");
        for (String table : Migration.tables()) {
            writeTable(g, tx, table, counts);
        }
        g.writeEndArray();
    }

    private static void writeTable(JsonGenerator g, net.v6broker.store.Tx tx, String table, Map<String, Long> counts)
            throws IOException, java.sql.SQLException {
        g.writeStartObject();
        g.writeStringField("name", table);
        long[] n = {0};
        Migration.scan(tx, table, new Migration.RowSink() {
            @Override
            public void columns(List<String> columns) {
                try {
                    g.writeArrayFieldStart("columns");
                    for (String c : columns) {
                        g.writeString(c);
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("rows");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void row(Object[] values) {
                try {
                    g.writeStartArray();
                    for (Object v : values) {
                        if (v == null) {
                            g.writeNull();
                        } else if (v instanceof Number x) {
                            g.writeNumber(x.longValue());
                        } else {
                            g.writeString(v.toString());
                        }
                    }
                    g.writeEndArray();
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        g.writeEndArray();
        g.writeEndObject();
        counts.put(table, n[0]);
    }
}
