package net.v6broker.cli;

import static net.v6broker.CliRunner.ok;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.v6broker.CliRunner;
import net.v6broker.Processes;
import net.v6broker.store.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup} and {@code restore}: a consistent snapshot taken while clients are being added,
 * a home rebuilt from it with every client's addresses and certificates, on SQLite and from
 * PostgreSQL; a wrong passphrase and a damaged or truncated file refused with nothing left behind;
 * and the file opened by gpg, since it is a standard OpenPGP message.
 */
class BackupRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PostgresServer.ForClass pg = new PostgresServer.ForClass();
    @TempDir
    Path dir;

    private Path passphrase(String text) throws Exception {
        Path f = dir.resolve("passphrase-" + text.length());
        Files.writeString(f, text + "\n");
        return f;
    }

    /** Each client of a home by name: its kind, prefix, transfer address, serial and status. */
    private static Map<String, String> clients(Path home) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : JSON.readTree(ok("client", "list", "--json", "--home", home.toString()))) {
            out.put(c.get("name").asText(), c.get("type").asText() + " " + c.get("prefix").asText() + " "
                    + c.path("transferClient").asText() + " " + c.get("serial").asText() + " " + c.get("status").asText());
        }
        return out;
    }

    @Test
    void aBackupTakenWhileFiftyClientsAreAddedRestoresEveryClientItHolds() throws Exception {
        Path home = CliRunner.init(dir.resolve("home"), "vpn.example.net");
        String h = home.toString();
        ok("client", "add", "site", "--type", "subnet", "--home", h);
        Path secret = passphrase("correct horse battery staple");
        AtomicInteger added = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> adds = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String name = "h" + i;
            adds.add(pool.submit(() -> {
                ok("client", "add", name, "--type", "hermit", "--home", h);
                added.incrementAndGet();
            }));
        }
        assertThat(net.v6broker.e2e.Netns.await(java.time.Duration.ofSeconds(60), () -> added.get() >= 5)).isTrue();
        Path backup = dir.resolve("broker.v6b");
        String out = ok("backup", "--out", backup.toString(), "--passphrase-file", secret.toString(), "--home", h);
        int addedWhenDone = added.get();
        for (Future<?> f : adds) {
            f.get();
        }
        pool.shutdown();
        assertThat(out).contains("backup written", "clients");
        assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(net.v6broker.config.Home.PRIVATE);

        Path restored = dir.resolve("restored");
        assertThat(ok("restore", backup.toString(), "--passphrase-file", secret.toString(), "--home", restored.toString()))
                .contains("restored broker");
        Map<String, String> before = clients(home);
        Map<String, String> after = clients(restored);
        // the snapshot holds the clients whose add had committed when it began: each exactly as it is in the original
        assertThat(after).containsKey("site").hasSizeGreaterThanOrEqualTo(1 + 5).hasSizeLessThanOrEqualTo(1 + addedWhenDone);
        for (Map.Entry<String, String> e : after.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(before.get(e.getKey()));
        }
        System.out.printf("backup during the adds: %d of 50 added when it began or ended, %d in the snapshot%n", addedWhenDone,
                after.size() - 1);
        // the restored home is whole: it checks out, its database is private, and the next client gets a fresh address
        assertThat(Files.getPosixFilePermissions(restored.resolve("broker.db"))).isEqualTo(net.v6broker.config.Home.PRIVATE);
        assertThat(ok("ca", "crl", "--home", restored.toString())).isEqualTo(ok("ca", "crl", "--home", h));
        ok("client", "add", "late", "--type", "hermit", "--home", restored.toString());
        String late = clients(restored).get("late").split(" ")[1];
        assertThat(after.values()).noneMatch(v -> v.split(" ")[1].equals(late));
        assertThat(ok("audit", "--home", restored.toString())).contains("restore", "home rebuilt from broker.v6b");
    }

    @Test
    void aWrongPassphraseADamagedAndATruncatedBackupAreRefusedAndLeaveNothing() throws Exception {
        Path home = CliRunner.init(dir.resolve("home"), "vpn.example.net");
        ok("client", "add", "alice", "--type", "hermit", "--home", home.toString());
        Path secret = passphrase("correct horse battery staple");
        Path backup = dir.resolve("broker.v6b");
        ok("backup", "--out", backup.toString(), "--passphrase-file", secret.toString(), "--home", home.toString());
        byte[] bytes = Files.readAllBytes(backup);

        Path truncated = dir.resolve("truncated.v6b");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        Path flipped = dir.resolve("flipped.v6b");
        byte[] changed = bytes.clone();
        changed[changed.length / 2] ^= 0x40;
        Files.write(flipped, changed);
        Path notABackup = dir.resolve("config.v6b");
        Files.copy(home.resolve("config.json"), notABackup);

        Path target = dir.resolve("restored");
        List<String[]> attempts = List.of(
                new String[] {backup.toString(), passphrase("not the passphrase").toString(), "wrong passphrase"},
                new String[] {truncated.toString(), secret.toString(), "damaged or truncated"},
                new String[] {flipped.toString(), secret.toString(), "damaged or truncated"},
                new String[] {notABackup.toString(), secret.toString(), "not a v6broker backup"});
        for (String[] a : attempts) {
            CliRunner.Run r = run("restore", a[0], "--passphrase-file", a[1], "--home", target.toString());
            assertThat(r.code()).as(a[0] + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(a[2], "nothing was written");
            assertThat(target).doesNotExist();
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("restoring"));
            }
        }
        // a home that is there already is never written into
        Files.createDirectories(target.resolve("keep"));
        CliRunner.Run occupied = run("restore", backup.toString(), "--passphrase-file", secret.toString(), "--home", target.toString());
        assertThat(occupied.code()).isEqualTo(2);
        assertThat(occupied.err()).contains("is not empty");
        // a short passphrase is refused for a new backup, and nothing is written
        CliRunner.Run shortOne = run("backup", "--out", dir.resolve("short.v6b").toString(), "--passphrase-file",
                passphrase("short").toString(), "--home", home.toString());
        assertThat(shortOne.code()).isEqualTo(2);
        assertThat(shortOne.err()).contains("at least 12");
        assertThat(dir.resolve("short.v6b")).doesNotExist();
    }

    @Test
    void gpgOpensABackupWithThePassphrase() throws Exception {
        Path home = CliRunner.init(dir.resolve("home"), "vpn.example.net");
        Path secret = passphrase("correct horse battery staple");
        Path backup = dir.resolve("broker.v6b");
        ok("backup", "--out", backup.toString(), "--passphrase-file", secret.toString(), "--home", home.toString());
        Path gnupg = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path clear = dir.resolve("broker.json");
        String said = Processes.run(List.of("gpg", "--homedir", gnupg.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase-file", secret.toString(), "--output", clear.toString(), "--decrypt", backup.toString()));
        assertThat(said).contains("AES256");
        JsonNode doc = JSON.readTree(clear.toFile());
        assertThat(doc.get("format").asText()).isEqualTo("v6broker-backup");
        assertThat(doc.get("files").get("ca/ca.key").asText()).isEqualTo(Files.readString(home.resolve("ca/ca.key")));
    }

    @Test
    void aBrokerOnPostgresIsBackedUpAndRestoredIntoSqlite() throws Exception {
        PostgresServer.assumeAvailable();
        pg.get().reset();
        Path home = CliRunner.init(dir.resolve("home"), "vpn.example.net");
        String h = home.toString();
        ok("client", "add", "alice", "--type", "hermit", "--home", h);
        ok("client", "add", "site", "--type", "subnet", "--home", h);
        Path pw = dir.resolve("db-secret");
        Files.writeString(pw, pg.get().password() + "\n");
        ok("db", "migrate-to", "postgres", "--url", pg.get().jdbcUrl(), "--user", pg.get().user(), "--password-file", pw.toString(),
                "--home", h);
        ok("client", "revoke", "alice", "--home", h);
        ok("client", "add", "bob", "--type", "hermit", "--home", h);
        Path secret = passphrase("correct horse battery staple");
        Path backup = dir.resolve("pg.v6b");
        ok("backup", "--out", backup.toString(), "--passphrase-file", secret.toString(), "--home", h);
        Path restored = dir.resolve("restored");
        assertThat(ok("restore", backup.toString(), "--passphrase-file", secret.toString(), "--home", restored.toString()))
                .contains("came from PostgreSQL");
        assertThat(Files.readString(restored.resolve("config.json"))).doesNotContain("postgresql");
        assertThat(clients(restored)).isEqualTo(clients(home));
        assertThat(ok("ca", "crl", "--home", restored.toString())).isEqualTo(ok("ca", "crl", "--home", h));
    }
}
