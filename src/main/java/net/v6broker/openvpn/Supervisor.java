package net.v6broker.openvpn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps one {@code openvpn} process running. It is started with {@code --writepid}, so a broker
 * that restarts finds the running one and adopts it instead of starting a second (the tunnels
 * never notice the broker going away). When the process dies it is restarted after a back-off
 * that doubles from 1 s to 30 s and resets once a run has lasted a minute.
 *
 * <p>Thread-safe.
 */
public final class Supervisor implements AutoCloseable {
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofMinutes(1);

    private final String name;
    private final Path config;
    private final Path pidFile;
    private final Path log;
    private final Clock clock;
    private final Consumer<String> events;
    private final ScheduledExecutorService timer;
    private ProcessHandle process;
    private Instant startedAt;
    private Duration backoff = MIN_BACKOFF;
    private int restarts;
    private boolean stopping;

    /**
     * @param name    for logs ("server", or a client's name in the per-client layout)
     * @param config  the openvpn config file
     * @param pidFile where openvpn writes its pid (passed as --writepid)
     * @param log     openvpn's own log (passed as --log-append)
     * @param events  receives one line per decision (started, adopted, died, restarting)
     */
    public Supervisor(String name, Path config, Path pidFile, Path log, Clock clock, Consumer<String> events) {
        this.name = name;
        this.config = config;
        this.pidFile = pidFile;
        this.log = log;
        this.clock = clock;
        this.events = events;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervise-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Adopts the running openvpn of this config if there is one, else starts it. */
    public synchronized void start() {
        stopping = false;
        Optional<ProcessHandle> running = running();
        if (running.isPresent()) {
            process = running.get();
            startedAt = clock.instant();
            events.accept("openvpn " + name + " already running as pid " + process.pid() + ": adopted");
            watch(process);
            return;
        }
        launch();
    }

    /**
     * Takes over the running openvpn of this config, if there is one, without starting one (and
     * without watching it: for {@link #stop} alone). True when there was one.
     */
    public synchronized boolean adopt() {
        Optional<ProcessHandle> running = running();
        running.ifPresent(p -> process = p);
        return running.isPresent();
    }

    /** The pid of the supervised process, if it is alive. */
    /**
     * Sends the running process SIGHUP: it re-reads its configuration, certificate and key in
     * place. True once sent, or when no process runs (it reads them when it starts).
     */
    public synchronized boolean reload() {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            return true;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid.get())).redirectErrorStream(true).start();
            return kill.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    public synchronized int restarts() {
        return restarts;
    }

    /** Stops supervising; with {@code stopProcess} also ends openvpn (SIGTERM, SIGKILL after 10 s). */
    public void stop(boolean stopProcess) {
        ProcessHandle p;
        synchronized (this) {
            stopping = true;
            p = process;
        }
        timer.shutdownNow();
        if (stopProcess && p != null && p.isAlive()) {
            p.destroy();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
            events.accept("openvpn " + name + " (pid " + p.pid() + ") stopped");
        }
    }

    @Override
    public void close() {
        stop(false);
    }

    private void launch() {
        List<String> cmd = new ArrayList<>(List.of("openvpn", "--config", config.toString(), "--writepid", pidFile.toString(),
                "--log-append", log.toString()));
        try {
            Files.createDirectories(pidFile.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process = p.toHandle();
            startedAt = clock.instant();
            events.accept("openvpn " + name + " started as pid " + p.pid() + " (" + config + ")");
            watch(process);
        } catch (IOException e) {
            events.accept("openvpn " + name + " could not start: " + e.getMessage());
            scheduleRestart();
        }
    }

    private void watch(ProcessHandle p) {
        CompletableFuture<ProcessHandle> exit = p.onExit();
        exit.thenRun(() -> died(p));
    }

    private synchronized void died(ProcessHandle p) {
        if (stopping || p != process) {
            return;
        }
        Duration ran = Duration.between(startedAt, clock.instant());
        if (ran.compareTo(STABLE) >= 0) {
            backoff = MIN_BACKOFF;
        }
        events.accept("openvpn " + name + " (pid " + p.pid() + ") exited after " + ran.toSeconds() + " s; restarting in "
                + backoff.toMillis() + " ms (see " + log + ")");
        scheduleRestart();
    }

    private void scheduleRestart() {
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    if (!stopping) {
                        restarts++;
                        launch();
                    }
                }
            }, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** The process named in the pid file, if it is alive and is openvpn with this config. */
    private Optional<ProcessHandle> running() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().commandLine()
                    .map(c -> c.contains("openvpn") && c.contains(config.toString())).orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + pidFile, e);
        }
    }
}
