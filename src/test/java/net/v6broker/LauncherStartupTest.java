package net.v6broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the start-up time of the shipped launcher path ({@code ./v6broker}: the shaded
 * {@code target/v6broker.jar} plus the class-data-sharing archive the launcher trains), which a
 * one-client {@code client add} is measured by. Needs the packaged jar, so the build runs it in the
 * {@code verify} phase, after {@code package} (see pom.xml), not with the unit tests.
 *
 * <p>The time budget is deliberately loose so that a busy machine does not fail it; the two
 * regressions known to cost 100-300 ms per start are pinned exactly instead: Bouncy Castle's jar
 * signatures coming back into the jar (every start then verifies them), and Bouncy Castle or our
 * own classes no longer landing in the archive.
 */
class LauncherStartupTest {

    /** Typically 0.15-0.4 s per {@code client add}; five times that still fails a gross regression. */
    private static final long BUDGET_MILLIS = 1_500;
    private static final Pattern SIGNATURE_FILE = Pattern.compile("META-INF/[^/]+\\.(SF|DSA|RSA|EC)");

    private static Path root;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePackagedJar() {
        root = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        assumeThat(root.resolve("target/v6broker.jar"))
                .as("target/v6broker.jar (run 'mvn package' first)").isRegularFile();
    }

    @Test
    void shipsOneJarWithoutJarSignaturesThatRunsMain() throws IOException {
        try (JarFile jar = new JarFile(root.resolve("target/v6broker.jar").toFile())) {
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> SIGNATURE_FILE.matcher(n).matches()))
                    .as("jar signature files").isEmpty();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("net.v6broker.Main");
            assertThat(jar.getEntry("org/bouncycastle/cert/X509v3CertificateBuilder.class")).isNotNull();
            assertThat(jar.getEntry("net/v6broker/ca/CertificateAuthority.class")).isNotNull();
        }
    }

    @Test
    void clientAddTakesBouncyCastleAndOurClassesFromTheSharedArchive() throws Exception {
        Path home = init();
        Path log = dir.resolve("class-load.log");

        Result add = launcher(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log),
                "client", "add", "alice", "--type", "hermit", "--home", home.toString());

        assertThat(add.exitCode()).as(add.output()).isZero();
        List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> ours = loaded.stream()
                .filter(l -> l.contains(" org.bouncycastle.") || l.contains(" net.v6broker.ca.")).toList();
        assertThat(ours).as("Bouncy Castle and CA classes loaded").hasSizeGreaterThan(50);
        assertThat(ours).as("classes not taken from the archive").allMatch(l -> l.contains("shared objects file"));
    }

    @Test
    void clientAddThroughTheLauncherStaysWithinTheStartUpBudget() throws Exception {
        Path home = init();
        launcher(Map.of(), "client", "add", "warm-up", "--type", "hermit", "--home", home.toString());
        List<Long> millis = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Result add = launcher(Map.of(), "client", "add", "c" + i, "--type", "hermit", "--home", home.toString());
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertThat(add.exitCode()).as(add.output()).isZero();
        }

        List<Long> sorted = millis.stream().sorted().toList();
        assertThat(sorted.get(2)).as("median of %s ms", millis).isLessThan(BUDGET_MILLIS);
    }

    @Test
    void theDaemonGetsTheJvmsDefaultsAndLogsItsInfoLinesWhereverTheHomeStands() throws Exception {
        // regression: `--home X serve` ran the daemon with the short commands' C1-only flags and
        // without its info lines, because the launcher and the logging looked at the first argument
        Path home = init();

        try (ServeProcess serve = ServeProcess.viaLauncher(root.resolve("v6broker"), home, dir.resolve("serve.log"),
                "--no-openvpn")) {
            List<String> jvm = serve.commandLine();
            assertThat(jvm).as("the daemon's JVM").contains("net.v6broker.Main", "serve")
                    .anyMatch(w -> w.startsWith("-XX:SharedArchiveFile="))
                    .noneMatch(w -> w.startsWith("-XX:TieredStopAtLevel") || w.startsWith("-XX:CICompilerCount"));
            assertThat(serve.log()).as("the daemon's log").containsPattern("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z \\[INFO\\] ")
                    .contains("reconciled");
        }
    }

    @Test
    void shortCommandsGetC1OnlyWhereverTheHomeStandsAndTheDaemonDoesNot() throws Exception {
        init(); // prepares the archive and the shape
        List<String> add = printJava("--home", "/h", "client", "add", "serve", "--type", "hermit");
        List<String> serve = printJava("--home", "/h", "serve");
        List<String> serveAfter = printJava("serve", "--home", "/h");

        assertThat(add).contains("-XX:TieredStopAtLevel=1");
        assertThat(serve).doesNotContain("-XX:TieredStopAtLevel=1").anyMatch(w -> w.startsWith("-XX:SharedArchiveFile="));
        assertThat(serveAfter).doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(String.join(" ", add)).doesNotContain("COMPAT", "ArchiveRelocationMode", "C1MaxInlineSize");
    }

    private static List<String> printJava(String... args) throws Exception {
        Result print = launcher(Map.of("V6BROKER_PRINT_JAVA", "1"), args);
        assertThat(print.exitCode()).as(print.output()).isZero();
        return print.output().lines().toList();
    }

    /** A new home; the first launcher call also trains the archive if the jar is newer than it. */
    private Path init() throws Exception {
        Path home = dir.resolve("home");
        Result init = launcher(Map.of(), "init", "--home", home.toString(), "--prefix", "2001:db8::/48",
                "--endpoint", "vpn.example.net");
        assertThat(init.exitCode()).as(init.output()).isZero();
        return home;
    }

    private static Result launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("v6broker").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
