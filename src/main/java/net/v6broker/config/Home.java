package net.v6broker.config;

import net.v6broker.error.InvalidInputException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A broker home directory and the files in it:
 *
 * <pre>
 * config.json            the configuration ({@link BrokerConfig})
 * broker.db              the embedded database (unless database.url points elsewhere)
 * ca/ca.crt  ca/ca.key   the certification authority (key mode 0600)
 * ca/crl.pem             the current CRL, as OpenVPN reads it
 * server/server.crt  server/server.key  server/tls-crypt.key
 * </pre>
 *
 * Immutable; file writes are atomic (temporary file, then rename).
 */
public record Home(Path dir) {
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    /**
     * Jackson's object mapper, for {@link #toJson} only, made on first use: creating it is slow on a
     * cold JVM, which commands that print no JSON should not pay for (docs/decisions.md, 17).
     */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    public Home {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path config() {
        return dir.resolve("config.json");
    }

    public Path database() {
        return dir.resolve("broker.db");
    }

    public Path caCertificate() {
        return dir.resolve("ca/ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca/ca.key");
    }

    public Path crl() {
        return dir.resolve("ca/crl.pem");
    }

    /**
     * During a CA rollover, the CA being replaced: its certificate (also the second one in
     * ca.crt, the trust bundle) and its key, which still signs its CRL. Absent otherwise.
     */
    public Path previousCaCertificate() {
        return dir.resolve("ca/previous.crt");
    }

    public Path previousCaKey() {
        return dir.resolve("ca/previous.key");
    }

    /** Where a finished rollover keeps the CA it replaced (never used again, kept for the record). */
    public Path retiredCa() {
        return dir.resolve("ca/retired");
    }

    /** The record that the CA key in ca.key belongs to the certificate in ca.crt (see home.KeyMatchRecord). */
    public Path caKeyMatch() {
        return dir.resolve("ca/key-matches-cert");
    }

    public Path serverCertificate() {
        return dir.resolve("server/server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server/server.key");
    }

    public Path tlsCryptKey() {
        return dir.resolve("server/tls-crypt.key");
    }

    /**
     * A file of this home whose permissions are looser than v6broker makes them: a private file (a
     * key, the database, which holds every client's key, the database password) that others than
     * the owner may read, or a home directory that others may write into.
     *
     * @param serious anyone on the machine may read a secret, or write into the home: {@code serve}
     *                refuses to start (unless told otherwise); a group's access is only warned about
     */
    public record LoosePermission(Path file, String mode, String expected, String fix, boolean serious) {
        /** One line for a warning. */
        public String text() {
            return file + " has mode " + mode + ", expected " + expected + " (" + fix + ")";
        }
    }

    /** The files that must be readable by the owner alone, where they exist. */
    public java.util.List<Path> privateFiles() {
        return java.util.List.of(caKey(), caKeyMatch(), serverKey(), tlsCryptKey(), database(), dir.resolve("broker.db-wal"),
                dir.resolve("broker.db-shm"), dir.resolve("db-password"));
    }

    /** Every {@link LoosePermission} of the home; empty when all is as v6broker made it. */
    public java.util.List<LoosePermission> loosePermissions() {
        java.util.List<LoosePermission> out = new java.util.ArrayList<>();
        try {
            if (Files.isDirectory(dir)) {
                Set<PosixFilePermission> m = Files.getPosixFilePermissions(dir);
                if (m.contains(PosixFilePermission.GROUP_WRITE) || m.contains(PosixFilePermission.OTHERS_WRITE)) {
                    out.add(new LoosePermission(dir, PosixFilePermissions.toString(m), "no write access for group and others",
                            "chmod go-w " + dir, m.contains(PosixFilePermission.OTHERS_WRITE)));
                }
            }
            for (Path f : privateFiles()) {
                if (!Files.exists(f)) {
                    continue;
                }
                Set<PosixFilePermission> m = Files.getPosixFilePermissions(f);
                boolean others = m.contains(PosixFilePermission.OTHERS_READ) || m.contains(PosixFilePermission.OTHERS_WRITE);
                boolean group = m.contains(PosixFilePermission.GROUP_READ) || m.contains(PosixFilePermission.GROUP_WRITE);
                if (others || group) {
                    out.add(new LoosePermission(f, PosixFilePermissions.toString(m), "rw------- as it holds secrets",
                            "chmod 600 " + f, others));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the permissions in " + dir, e);
        }
        return out;
    }

    /** The JDBC URL of the database: the configured one, or the embedded file. */
    public String databaseUrl(BrokerConfig config) {
        return config.database().url().isEmpty() ? "jdbc:sqlite:" + database() : config.database().url();
    }

    /**
     * The database password for PostgreSQL: {@code database.passwordFile} (relative to the home),
     * else {@code V6BROKER_DB_PASSWORD}; null for SQLite or when neither is set.
     */
    public String databasePassword(BrokerConfig config) {
        BrokerConfig.Database db = config.database();
        if (!db.postgres()) {
            return null;
        }
        if (db.passwordFile() != null) {
            Path file = dir.resolve(db.passwordFile());
            String text = read(file);
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip();
        }
        return System.getenv("V6BROKER_DB_PASSWORD");
    }

    /** Reads and validates config.json; a missing home or a bad value is a {@link HomeException}. */
    public BrokerConfig loadConfig() {
        byte[] json;
        try {
            json = Files.readAllBytes(config());
        } catch (NoSuchFileException e) {
            throw new HomeException("no broker home at " + dir + " (missing config.json): run 'v6broker init' first, "
                    + "or give --home DIR / V6BROKER_HOME");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + config(), e);
        }
        try {
            return ConfigJson.read(json);
        } catch (InvalidInputException | NullPointerException e) {
            throw new HomeException("bad configuration in " + config() + ": " + firstLine(e.getMessage()));
        }
    }

    /** Writes the configuration to config.json, atomically. */
    public void writeConfig(BrokerConfig config) {
        writeAtomically(config(), ConfigJson.write(config), PUBLIC);
    }

    public static String toJson(Object value) {
        try {
            return Mapper.JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Writes {@code items} to {@code out} as one JSON array, each item converted by {@code view} and
     * written as it comes: memory holds one item at a time however many there are.
     */
    public static <T> void printJsonArray(java.io.Writer out, Iterable<T> items, java.util.function.Function<T, Object> view) {
        try (com.fasterxml.jackson.databind.SequenceWriter w = Mapper.JSON.writer()
                .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValuesAsArray(out)) {
            for (T item : items) {
                w.write(view.apply(item));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON", e);
        }
        try {
            out.write("\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON", e);
        }
    }

    public String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new HomeException("missing " + file + " in broker home " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Writes a file atomically with the given permissions: a temporary file in the same directory,
     * fsync'd, then renamed over the target. Readers see the old content or the new, never a mix.
     */
    /**
     * Removes a directory and everything in it, as far as it can: for a staging directory that a
     * failed write leaves, where the failure already reported is the one that matters.
     */
    public static void deleteTree(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is hidden and named as such
        }
    }

    public static void writeAtomically(Path target, String content, Set<PosixFilePermission> mode) {
        writeBytesAtomically(target, content.getBytes(java.nio.charset.StandardCharsets.UTF_8), mode);
    }

    /**
     * Writes a file derived from the database unless it holds exactly this content with this mode
     * already; returns whether it wrote. Atomic as {@link #writeAtomically} (a reader sees the old
     * file or the new), but not forced to disk one by one: a render of 100,000 client files would
     * spend 0.8 ms a file in fsync here (docs/decisions.md, 21), and every start of the daemon compares
     * the whole directory with the database again, which repairs whatever a crash left behind.
     */
    public static boolean writeIfChanged(Path target, String content, Set<PosixFilePermission> mode) {
        byte[] bytes = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try { // one lstat for kind, size and mode, then the bytes: a start compares 100,000 files
            PosixFileAttributes a = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && a.size() == bytes.length && a.permissions().equals(mode)
                    && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                return false;
            }
        } catch (NoSuchFileException e) {
            // not there yet: written below
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + target, e);
        }
        write(target, bytes, mode, false);
        return true;
    }

    /** {@link #writeAtomically} for bytes (archives, bundles). */
    public static void writeBytesAtomically(Path target, byte[] content, Set<PosixFilePermission> mode) {
        write(target, content, mode, true);
    }

    /**
     * The temporary file is created with its content's mode (then set again: the umask may have
     * taken bits) under a random name, never over an existing file (two writers of one target do not
     * share a temporary file); its directory is created only when missing.
     */
    private static void write(Path target, byte[] content, Set<PosixFilePermission> mode, boolean force) {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + target.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            try (FileChannel ch = create(tmp, mode)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (force) {
                    ch.force(true);
                }
            }
            Files.setPosixFilePermissions(tmp, mode);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one reported
                }
            }
        }
    }

    private static FileChannel create(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            return FileChannel.open(file, NEW_FILE, PosixFilePermissions.asFileAttribute(mode));
        } catch (NoSuchFileException e) {
            Files.createDirectories(file.getParent());
            return FileChannel.open(file, NEW_FILE, PosixFilePermissions.asFileAttribute(mode));
        }
    }

    private static final Set<java.nio.file.OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
