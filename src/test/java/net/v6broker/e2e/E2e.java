package net.v6broker.e2e;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What every end-to-end test needs besides namespaces: a work directory, the CLI, and cleanup of openvpn. */
final class E2e {
    private E2e() {
    }

    /** An empty {@code target/e2e/NAME...}: work files and logs stay there for review after a run. */
    static Path workDir(String first, String... more) {
        Path dir = Path.of("target", "e2e").resolve(Path.of(first, more)).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the shared-layout daemon of this home has its openvpn's management socket up. */
    static boolean managementSocketUp(Path home) {
        return Files.exists(net.v6broker.openvpn.ServerDirs.managementSocket(
                net.v6broker.openvpn.ServerDirs.daemonDirectory(new net.v6broker.config.Home(home), net.v6broker.openvpn.Layout.SHARED)));
    }

    /**
     * Stops the openvpn a daemon of this test started (it outlives the daemon by design), by the pid
     * file in the broker home; nothing when there is none.
     */
    static void stopOpenvpn(Path home) {
        if (home == null) {
            return;
        }
        for (String file : java.util.List.of("server.pid", "server-tcp.pid", "server-compat.pid")) {
            Path pid = home.resolve("openvpn/run").resolve(file);
            try {
                if (Files.exists(pid)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(p -> {
                        p.destroy();
                        p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
