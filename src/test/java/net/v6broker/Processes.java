package net.v6broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Commands the tests run on this machine (ip, runuser, openssl...): to completion, within a minute. */
public final class Processes {
    private Processes() {
    }

    /** Fails unless {@code sh -n} reads {@code script} without a syntax error. */
    public static void assertShellSyntax(String script) {
        try {
            Path f = Files.createTempFile("v6broker-test", ".sh");
            try {
                Files.writeString(f, script, StandardCharsets.UTF_8);
                run(List.of("sh", "-n", f.toString()));
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            throw new AssertionError("not valid sh: " + e.getMessage(), e);
        }
    }

    /** Runs {@code cmd}; its output (standard error merged); fails naming the command when it exits non-zero. */
    public static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", cmd) + "' exited " + p.exitValue() + ": " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
