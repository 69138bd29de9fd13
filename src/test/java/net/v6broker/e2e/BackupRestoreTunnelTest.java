package net.v6broker.e2e;

import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.v6broker.CliRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backup while 50 clients are being added (each by its own {@code v6broker client add} process)
 * beside a serving daemon; restore into a fresh home served in another network namespace: every
 * client the backup holds connects there with the profile it was given before, and gets its old
 * address. Work files and logs stay under target/e2e/backup for review.
 */
class BackupRestoreTunnelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(60);
    Netns first;
    Netns second;
    Path dir;
    Path home;
    Path restored;

    @AfterEach
    void cleanUp() {
        for (Netns n : new Netns[] {first, second}) {
            if (n != null) {
                n.close(); // stops the daemon and every openvpn client it spawned
            }
        }
        // the daemons leave openvpn running by design; this test started them, so it stops them
        for (Path h : new Path[] {home, restored}) {
            if (h != null) {
                E2e.stopOpenvpn(h);
            }
        }
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "net.v6broker.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Process serve(Netns net, String ns, Path h, String log) {
        return net.spawn(ns, dir, dir.resolve(log), java("serve", "--home", h.toString(), "--http", "127.0.0.1:0", "--node",
                "srv").toArray(String[]::new));
    }

    /** A command of its own, as an operator's script runs it; fails the test when it fails. */
    private void process(String log, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(log + ": timed out");
            }
            assertThat(p.exitValue()).as(log + ": " + TunnelTest.tail(dir.resolve(log))).isZero();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Each client's address by name, as {@code client list --json} of a home gives them. */
    private static Map<String, String> addresses(Path h) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : JSON.readTree(ok("client", "list", "--json", "--home", h.toString()))) {
            out.put(c.get("name").asText(), TunnelTest.address(c.get("prefix").asText()));
        }
        return out;
    }

    /** The global IPv6 addresses of every device of a namespace. */
    private static Set<String> addressesIn(Netns net, String ns) {
        Set<String> out = new TreeSet<>();
        for (String line : net.exec(ns, "ip", "-6", "-o", "addr", "show", "scope", "global").split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (f[i].equals("inet6")) {
                    out.add(TunnelTest.address(f[i + 1]));
                }
            }
        }
        return out;
    }

    @Test
    void aBackupTakenWhileClientsAreAddedServesEveryClientItHoldsWithItsOldProfileInAnotherNamespace() throws Exception {
        Netns.assumeAvailable("backup and restore");
        dir = E2e.workDir("backup");
        home = dir.resolve("home");
        restored = dir.resolve("restored");
        first = new Netns("bka");
        Netns.Broker a = first.brokerUnderlay();
        CliRunner.init(home, "198.51.100.1:1194");
        ok("client", "add", "h0", "--type", "hermit", "--home", home.toString());
        serve(first, a.srv(), home, "daemon-first.log");
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).as("first daemon up").isTrue();

        // 50 adds, each its own process, four at a time; the backup runs once ten are done
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> adds = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            String name = "h" + i;
            adds.add(pool.submit(() -> {
                process("add-" + name + ".log", java("client", "add", name, "--type", "hermit", "--home", home.toString()));
                done.incrementAndGet();
            }));
        }
        assertThat(Netns.await(Duration.ofSeconds(120), () -> done.get() >= 10)).isTrue();
        Path secret = dir.resolve("passphrase");
        Files.writeString(secret, "correct horse battery staple\n");
        Path backup = dir.resolve("broker.v6b");
        int atStart = done.get();
        process("backup.log", java("backup", "--out", backup.toString(), "--passphrase-file", secret.toString(), "--home",
                home.toString()));
        int atEnd = done.get();
        for (Future<?> f : adds) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Map<String, String> original = addresses(home);
        assertThat(original).hasSize(51);

        // the old profiles, as the users hold them
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        for (String name : original.keySet()) {
            ok("client", "export", name, "--format", "ovpn", "--out", profiles.resolve(name + ".ovpn").toString(), "--home",
                    home.toString());
        }
        first.close();
        first = null;
        E2e.stopOpenvpn(home);

        // restored into a fresh home, served in other namespaces
        ok("restore", backup.toString(), "--passphrase-file", secret.toString(), "--home", restored.toString());
        Map<String, String> held = addresses(restored);
        System.out.printf("backup began after %d of 50 adds and ended after %d; it holds %d of them%n", atStart, atEnd,
                held.size() - 1);
        assertThat(held.size() - 1).as("the adds committed before the snapshot: at least those done when it began, "
                + "at most those done when it ended").isBetween(atStart, atEnd);
        for (Map.Entry<String, String> e : held.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isEqualTo(original.get(e.getKey()));
        }
        second = new Netns("bkb");
        Netns.Broker b = second.brokerUnderlay();
        serve(second, b.srv(), restored, "daemon-restored.log");
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(restored))).as("restored daemon up").isTrue();
        Instant start = Instant.now();
        for (String name : held.keySet()) {
            second.spawn(b.hermit(), profiles, dir.resolve("client-" + name + ".log"), "openvpn", "--config", name + ".ovpn");
        }
        Set<String> wanted = new TreeSet<>(held.values());
        assertThat(Netns.await(UP, () -> addressesIn(second, b.hermit()).containsAll(wanted)))
                .as("every client of the backup back with its old address; missing: %s", wanted.stream()
                        .filter(w -> !addressesIn(second, b.hermit()).contains(w)).toList()).isTrue();
        System.out.printf("%d clients connected to the restored broker with their old profiles in %d ms%n", held.size(),
                Duration.between(start, Instant.now()).toMillis());
        assertThat(second.ping6(b.srv(), held.get("h0"))).as("the restored server reaches h0 through its tunnel").isTrue();
        // a client the backup does not hold is refused there: its certificate is of no client the restored broker knows
        String missing = original.keySet().stream().filter(n -> !held.containsKey(n)).findFirst().orElse(null);
        if (missing != null) {
            Process p = second.spawn(b.hermit(), profiles, dir.resolve("client-" + missing + ".log"), "openvpn", "--config",
                    missing + ".ovpn");
            assertThat(Netns.await(Duration.ofSeconds(20), () -> TunnelTest.count(restored.resolve("openvpn/run/server.log"),
                    missing) > 0)).isTrue();
            assertThat(addressesIn(second, b.hermit())).doesNotContain(original.get(missing));
            Netns.stop(p);
        }
    }
}
