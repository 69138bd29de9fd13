package net.v6broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A broker home as text: every file with its SHA-256 and mode, and every row of its SQLite
 * database. Two equal snapshots mean that nothing changed.
 */
public final class HomeSnapshot {
    private HomeSnapshot() {
    }

    /** Every file and row; {@code volatileColumns} ("table.column") are left out of the rows. */
    public static String of(Path home, String... volatileColumns) {
        TreeMap<String, String> files = new TreeMap<>();
        if (Files.exists(home)) {
            try (Stream<Path> walk = Files.walk(home)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    String name = home.relativize(p).toString();
                    if (Files.isRegularFile(p) && !name.startsWith("broker.db")) {
                        files.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                                + " " + Files.getPosixFilePermissions(p));
                    } else if (Files.isDirectory(p)) {
                        files.put(name + "/", "dir");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return files + "\n" + database(home.resolve("broker.db"), volatileColumns);
    }

    /** Every row of every table of a SQLite file, "(no database)" when there is none. */
    public static String database(Path db, String... volatileColumns) {
        if (!Files.exists(db)) {
            return "(no database)";
        }
        Set<String> skip = Set.of(volatileColumns);
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY 1")) {
                    int n = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        b.append(t).append(':');
                        for (int i = 1; i <= n; i++) {
                            if (!skip.contains(t + "." + r.getMetaData().getColumnName(i))) {
                                b.append(r.getString(i));
                            }
                            b.append('|');
                        }
                        b.append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return b.toString();
    }
}
