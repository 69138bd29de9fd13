package net.v6broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Effect;
import net.v6broker.config.Home;

/**
 * Applies, in the CLI process, the effects that need no daemon: the CRL file is rewritten at once,
 * so a plain {@code openvpn} reading it refuses a revoked client even with no broker running.
 * Sessions and client files are the daemon's, which learns of the change from the event stream.
 */
final class LocalEffects {
    private final Home home;
    private final Broker broker;

    LocalEffects(Home home, Broker broker) {
        this.home = home;
        this.broker = broker;
    }

    void apply(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.PublishCrl) {
                publishCrl();
            }
        }
    }

    /**
     * Writes the newest CRL of the database. A lock file orders concurrent writers, and each writes
     * the newest one it can read under the lock, so an older CRL never replaces a newer one.
     */
    void publishCrl() {
        try {
            Files.createDirectories(home.crl().getParent());
            try (FileChannel lock = FileChannel.open(home.crl().resolveSibling(".crl.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock.lock()) {
                Home.writeAtomically(home.crl(), broker.currentCrl().pem(), Home.PUBLIC);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("publishing the CRL to " + home.crl(), e);
        }
    }
}
