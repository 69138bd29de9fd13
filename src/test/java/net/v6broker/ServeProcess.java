package net.v6broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code v6broker serve} as its own JVM process, for tests that need the daemon exactly as an
 * operator runs it: its own heap, its own file locks, its own exit. Output goes to a log file; the
 * port it chose is read from its "HTTP on" line. {@link #close} stops it (SIGTERM, then SIGKILL).
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("HTTP on [^ ]+:([0-9]+)");
    public final Process process;
    public final Path log;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    private ServeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code serve --home HOME --http 127.0.0.1:0} with the given JVM options and extra
     * arguments (and environment, for PATH), without waiting for it.
     */
    public static ServeProcess start(Path home, Path log, List<String> jvm, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", home.toString(),
                "--http", "127.0.0.1:0"));
        cmd.addAll(List.of(args));
        return start(cmd, log, env);
    }

    /**
     * Starts {@code LAUNCHER --home HOME serve --http 127.0.0.1:0 ARGS}, the home before the command
     * as an operator may type it, and waits until it listens. The launcher execs java, so the
     * process is the JVM itself.
     */
    public static ServeProcess viaLauncher(Path launcher, Path home, Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--home", home.toString(), "serve", "--http", "127.0.0.1:0"));
        cmd.addAll(List.of(args));
        ServeProcess s = start(cmd, log, Map.of());
        s.awaitListening(Duration.ofSeconds(120));
        return s;
    }

    private static ServeProcess start(List<String> cmd, Path log, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(env);
        try {
            return new ServeProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM's command line (Linux), from /proc. */
    public List<String> commandLine() {
        try {
            String raw = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code serve --no-openvpn} and waits until it listens. */
    public static ServeProcess listening(Path home, Path log, List<String> jvm, String... args) {
        List<String> all = new ArrayList<>(List.of("--no-openvpn"));
        all.addAll(List.of(args));
        ServeProcess s = start(home, log, jvm, Map.of(), all.toArray(String[]::new));
        s.awaitListening(Duration.ofSeconds(60));
        return s;
    }

    /** Waits for the "HTTP on" line; fails with the log when the process exits or the time is up. */
    public int awaitListening(Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            Matcher m = LISTENING.matcher(log());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return port;
            }
            if (!process.isAlive()) {
                throw new AssertionError("serve exited " + process.exitValue() + ": " + log());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // polling the log
        }
        throw new AssertionError("serve did not listen within " + timeout + ": " + log());
    }

    public int port() {
        return port;
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits for the process to exit; its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("serve still runs after " + timeout + ": " + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What it printed so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The process's resident memory in bytes (Linux), from /proc. */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new AssertionError("no VmRSS for pid " + process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
