package net.v6broker.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * One daemon per home: an OS file lock on {@code HOME/serve.lock}, held for the daemon's life and
 * released by the kernel when the process ends however it ends. Two daemons on one home would both
 * supervise one openvpn (and its pid file and management socket); the second one refuses, naming
 * the first one's pid, which the lock file holds. Not thread-safe: one per daemon.
 */
final class HomeLock implements AutoCloseable {
    static final String FILE = "serve.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws {@link DaemonRunningException} naming the daemon that holds it. */
    static HomeLock acquire(Path home, String node, Clock clock) {
        Path file = home.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new DaemonRunningException("another 'v6broker serve' runs on " + home + " ("
                        + (holder.isEmpty() ? "its pid is not recorded yet" : holder) + "): one daemon per home; stop that one "
                        + "first");
            }
            String text = "pid " + ProcessHandle.current().pid() + ", node " + node + ", since " + clock.instant() + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new HomeLock(ch, lock);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("locking " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("releasing " + FILE, e);
        }
    }
}
