package net.v6broker.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a link's folder all at once: the files go into a hidden sibling directory, which is then
 * renamed into place, so the folder appears complete or not at all. An existing folder must be
 * empty: a link's keys are never written over another link's. Stateless and thread-safe.
 */
public final class LinkFolder {
    private LinkFolder() {
    }

    /** Refuses a target that exists and is not an empty directory; call before reserving anything. */
    public static Path checkTarget(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) {
                throw new LinkConflictException("--out " + d + " exists and is not a directory");
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
                if (s.iterator().hasNext()) {
                    throw new LinkConflictException("--out " + d + " is not empty: a link's folder holds its keys, so it is "
                            + "written only into a new or empty directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + d, e);
            }
        }
        return d;
    }

    /** Writes every file with its mode into {@code dir} (absent or empty). */
    public static void write(Path dir, Map<String, LinkFiles.File> files) {
        Path d = checkTarget(dir);
        Path parent = d.getParent();
        Path staging = null;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + d.getFileName() + ".",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (Map.Entry<String, LinkFiles.File> e : files.entrySet()) {
                Path f = staging.resolve(e.getKey()).normalize();
                if (!f.startsWith(staging)) {
                    throw new IllegalArgumentException("link file " + e.getKey() + " would leave its folder");
                }
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue().text());
                Files.setPosixFilePermissions(f, mode(e.getValue().mode()));
            }
            try (Stream<Path> walk = Files.walk(staging)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (Files.isDirectory(p)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            try {
                // rename(2) replaces an empty directory, so an existing empty --out is taken over atomically
                Files.move(staging, d, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(d);
                Files.move(staging, d);
            }
            staging = null;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the link folder " + d, e);
        } finally {
            if (staging != null) {
                net.v6broker.config.Home.deleteTree(staging);
            }
        }
    }

    private static Set<PosixFilePermission> mode(int mode) {
        Set<PosixFilePermission> p = new HashSet<>();
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }
}
