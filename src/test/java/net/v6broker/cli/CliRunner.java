package net.v6broker.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the real command line in-process and captures what it prints. */
final class CliRunner {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(Cli.context(Clock.systemUTC(), new SecureRandom(), new PrintWriter(out), new PrintWriter(err), false),
                args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every file under a directory with its SHA-256 and mode, and every database row: equal means nothing changed. */
    static String snapshot(Path home) {
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
        return files + "\n" + dumpDatabase(home.resolve("broker.db"));
    }

    static String dumpDatabase(Path db) {
        if (!Files.exists(db)) {
            return "(no database)";
        }
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
                            b.append(r.getString(i)).append('|');
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
