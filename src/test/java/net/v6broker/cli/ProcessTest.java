package net.v6broker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as separate JVM processes: what the database must guarantee between them. */
class ProcessTest {
    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void init() throws Exception {
        home = dir.resolve("home");
        assertThat(start("init", "--prefix", "2001:db8:abba::/48", "--endpoint", "vpn.example.net").waitFor()).isZero();
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "net.v6broker.Main"));
        cmd.addAll(List.of(args));
        cmd.add("--home");
        cmd.add(home.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out-" + System.nanoTime()).toFile()).start();
    }

    @Test
    void twoProcessesAddingAtOnceNeverShareAPrefixOrSerial() throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        List<String> la = new ArrayList<>();
        List<String> lb = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            la.add("a" + i + "," + (i % 2 == 0 ? "subnet" : "hermit"));
            lb.add("b" + i + "," + (i % 2 == 0 ? "subnet" : "hermit"));
        }
        Files.write(a, la);
        Files.write(b, lb);
        // small batches, so that the two processes' transactions interleave many times
        Files.writeString(home.resolve("config.json"), Files.readString(home.resolve("config.json"))
                .replace("\"importBatch\" : 250", "\"importBatch\" : 5"));
        Process pa = start("client", "import", a.toString());
        Process pb = start("client", "import", b.toString());
        List<Process> singles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            singles.add(start("client", "add", "s" + i, "--type", i % 2 == 0 ? "subnet" : "hermit"));
        }
        assertThat(pa.waitFor(120, TimeUnit.SECONDS) && pb.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(pa.exitValue()).isZero();
        assertThat(pb.exitValue()).isZero();
        for (Process p : singles) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("broker.db"));
             Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT count(*) FROM clients")).isEqualTo(306);
            assertThat(scalar(s, "SELECT count(DISTINCT type || pool_index) FROM clients")).isEqualTo(306);
            assertThat(scalar(s, "SELECT count(DISTINCT serial) FROM clients")).isEqualTo(306);
            assertThat(scalar(s, "SELECT max(pool_index) FROM clients WHERE type = 'subnet'")).isEqualTo(153);
        }
    }

    @Test
    void killMinus9DuringAThousandClientImportLeavesNoHalfMadeClient() throws Exception {
        Path csv = dir.resolve("big.csv");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add("k" + i + "," + (i % 3 == 0 ? "subnet" : "hermit") + ",linux,k" + i + "@example.net");
        }
        Files.write(csv, lines);
        Files.writeString(home.resolve("config.json"), Files.readString(home.resolve("config.json"))
                .replace("\"importBatch\" : 250", "\"importBatch\" : 20"));
        Process p = start("client", "import", csv.toString());
        // wait until some batches are committed, then kill without warning
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        long seen = 0;
        while (seen < 100 && Instant.now().isBefore(deadline) && p.isAlive()) {
            seen = count("SELECT count(*) FROM clients");
            Thread.onSpinWait();
        }
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).as("import should have committed some batches before the kill").isGreaterThanOrEqualTo(100);
        long clients = count("SELECT count(*) FROM clients");
        assertThat(clients).isLessThan(1000).as("killed midway");
        assertThat(count("SELECT count(*) FROM clients c LEFT JOIN certificates t ON t.serial = c.serial "
                + "WHERE t.serial IS NULL OR t.client_id <> c.id")).as("clients without their certificate").isZero();
        assertThat(count("SELECT count(*) FROM allocations a LEFT JOIN clients c ON c.id = a.client_id "
                + "WHERE c.id IS NULL OR c.pool_index <> a.pool_index OR c.type <> a.pool")).as("prefixes allocated to nobody").isZero();
        assertThat(count("SELECT count(*) FROM clients c LEFT JOIN allocations a ON a.client_id = c.id WHERE a.client_id IS NULL"))
                .as("clients without a prefix").isZero();
        assertThat(count("SELECT count(*) FROM certificates WHERE role = 'client' AND client_id NOT IN (SELECT id FROM clients)"))
                .isZero();
        // and the broker carries on: the rest imports cleanly after the crash
        Files.write(csv, lines.subList((int) clients, 1000));
        Process again = start("client", "import", csv.toString());
        assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).isZero();
        assertThat(count("SELECT count(*) FROM clients")).isEqualTo(1000);
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("broker.db"));
             Statement s = c.createStatement()) {
            return scalar(s, sql);
        } catch (java.sql.SQLException e) {
            if (String.valueOf(e.getMessage()).contains("locked") || String.valueOf(e.getMessage()).contains("BUSY")) {
                return 0;
            }
            throw e;
        }
    }

    private static long scalar(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
