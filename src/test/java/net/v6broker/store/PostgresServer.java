package net.v6broker.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.v6broker.Processes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away PostgreSQL server for tests, from Debian's {@code postgresql} package: a fresh
 * cluster in a temporary directory, run as the {@code postgres} user (PostgreSQL refuses to run as
 * root), listening on one address and port, with fsync off. Optionally inside a network namespace,
 * so that broker nodes in other namespaces reach it over a test underlay. {@link #close()} stops it
 * and removes the cluster.
 *
 * <p>Not thread-safe.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final Path bin;
    private final String host;
    private final int port;
    private final Optional<String> netns;
    private final String password;

    private PostgresServer(Path dir, Path bin, String host, int port, Optional<String> netns, String password) {
        this.dir = dir;
        this.bin = bin;
        this.host = host;
        this.port = port;
        this.netns = netns;
        this.password = password;
    }

    /** The server binaries of the newest installed PostgreSQL, if any. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True when a server can be started here: root (to switch to the postgres user) and the binaries. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && binaries().isPresent();
    }

    /** Skips the calling test where no server can run here. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), "skipped: needs root and Debian's postgresql package (./run-tests installs it)");
    }

    /**
     * One server for a test class, registered with {@code @RegisterExtension static final}: started
     * before its first test (the class skipped where none can run), stopped after its last.
     */
    public static final class ForClass implements BeforeAllCallback, AfterAllCallback {
        private PostgresServer server;

        @Override
        public void beforeAll(ExtensionContext context) {
            assumeAvailable();
            server = start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (server != null) {
                server.close();
            }
        }

        public PostgresServer get() {
            return server;
        }
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static PostgresServer start() {
        return start(Optional.empty(), "127.0.0.1", freePort());
    }

    /**
     * Starts a server listening on {@code host:port}, inside {@code netns} if given, with a database
     * and a role both named {@code v6broker}.
     */
    public static PostgresServer start(Optional<String> netns, String host, int port) {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no PostgreSQL server installed (apt-get install postgresql)"));
        try {
            Path dir = Files.createTempDirectory("v6broker-pg-");
            Processes.run(List.of("chown", "postgres:postgres", dir.toString()));
            String password = "test-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
            Path pwfile = dir.resolve("pw");
            Files.writeString(pwfile, password + "\n");
            Processes.run(List.of("chown", "postgres:postgres", pwfile.toString()));
            Processes.run(List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile", pwfile.toString(),
                    "--no-sync", "-E", "UTF8"));
            // broker nodes in test namespaces connect over the documentation underlay, with a password
            Files.writeString(dir.resolve("data/pg_hba.conf"), "host all all 198.51.100.0/24 scram-sha-256\n",
                    java.nio.file.StandardOpenOption.APPEND);
            PostgresServer s = new PostgresServer(dir, bin, host, port, netns, password);
            List<String> ctl = new ArrayList<>();
            netns.ifPresent(ns -> ctl.addAll(List.of("ip", "netns", "exec", ns)));
            ctl.addAll(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "30", "-o",
                    "-c listen_addresses=" + host + " -p " + port + " -k " + dir + " -c fsync=off -c synchronous_commit=off"
                            + " -c full_page_writes=off -c max_connections=200", "start"));
            Processes.run(ctl);
            s.psql("CREATE ROLE v6broker LOGIN PASSWORD '" + password + "'");
            s.psql("CREATE DATABASE v6broker OWNER v6broker");
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("starting PostgreSQL", e);
        }
    }

    /** The JDBC URL of the {@code v6broker} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/v6broker";
    }

    public String user() {
        return "v6broker";
    }

    public String password() {
        return password;
    }

    /** Runs SQL as the superuser over the server's unix socket (reachable from any namespace). */
    public String psql(String sql) {
        return psql("postgres", sql);
    }

    /** Runs SQL as the superuser in one database. */
    public String psql(String database, String sql) {
        return Processes.run(List.of("runuser", "-u", "postgres", "--", bin.resolve("psql").toString(), "-h", dir.toString(), "-p",
                Integer.toString(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql)).trim();
    }

    /** Drops and re-creates the v6broker database, for a clean slate between tests. */
    public void reset() {
        psql("DROP DATABASE IF EXISTS v6broker WITH (FORCE)");
        psql("CREATE DATABASE v6broker OWNER v6broker");
    }

    @Override
    public void close() {
        try {
            List<String> ctl = new ArrayList<>();
            netns.ifPresent(ns -> ctl.addAll(List.of("ip", "netns", "exec", ns)));
            ctl.addAll(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D",
                    dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
            Processes.run(ctl);
        } catch (RuntimeException e) {
            // already stopped: removing its files is what is left to do
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory; the OS cleans what is left
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
