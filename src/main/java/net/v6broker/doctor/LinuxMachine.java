package net.v6broker.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real machine, on Linux: commands run as {@code ProcessBuilder(List.of(...))} with a time
 * limit, files are read from /proc and /sys, processes are found in /proc. Nothing here writes.
 * Thread-safe.
 */
public final class LinuxMachine implements Machine {
    private static final long TIMEOUT_SECONDS = 15;
    private final Clock clock;
    /** What could not be run or read, and why (not thread-safe: one doctor run per instance). */
    private final List<String> problems = new ArrayList<>();

    public LinuxMachine(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean installed(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return problem("'" + String.join(" ", command) + "' did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return Optional.of(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return problem("'" + String.join(" ", command) + "' could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem("'" + String.join(" ", command) + "' was interrupted");
        }
    }

    /** Records why something could not be read, for {@link #problems}; empty, for the check that needed it. */
    private Optional<String> problem(String why) {
        problems.add(why);
        return Optional.empty();
    }

    @Override
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public boolean succeeds(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem("'" + String.join(" ", command) + "' did not finish in " + TIMEOUT_SECONDS + " s");
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            problem("'" + String.join(" ", command) + "' could not run: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem("'" + String.join(" ", command) + "' was interrupted");
            return false;
        }
    }

    @Override
    public Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty(); // an interface or setting that is not there: the check says what that means
        } catch (IOException | RuntimeException e) {
            return problem(file + " could not be read: " + e);
        }
    }

    @Override
    public List<String> processNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path p : procs) {
                read(p.resolve("comm")).ifPresent(c -> names.add(c.strip()));
            }
        } catch (IOException e) {
            problem("/proc could not be listed: " + e);
        }
        return names;
    }

    @Override
    public Instant now() {
        return clock.instant();
    }
}
