package net.v6broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.broker.ClientNotFoundException;
import net.v6broker.broker.Effect;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.openvpn.ServerDirs;

/**
 * Applies, in the CLI process, the effects that need no daemon: the CRL file is rewritten at once,
 * so a plain {@code openvpn} reading it refuses a revoked client even with no broker running, and
 * every server directory rendered by {@code server config} gets the new CRL and the changed
 * client's file (written if active, deleted otherwise). Sessions are the daemon's, which learns of
 * the change from the event stream.
 */
final class LocalEffects implements net.v6broker.api.EffectApplier {
    private final Home home;
    private final Broker broker;
    private final ServerDirs serverDirs;

    LocalEffects(Home home, BrokerConfig config, Broker broker) {
        this.home = home;
        this.broker = broker;
        this.serverDirs = new ServerDirs(home, config);
    }

    @Override
    public void apply(List<Effect> effects) {
        for (Effect e : effects) {
            if (e instanceof Effect.PublishCrl) {
                publishCrl();
                serverDirs.crlChanged();
            } else if (e instanceof Effect.ClientFileChanged changed) {
                serverDirs.clientChanged(changed.client(), this::current);
            }
        }
    }

    /**
     * Renders every recorded server directory again from the database: for changes that carry no
     * per-client effect, such as {@code client import}.
     */
    void refreshServerDirs() {
        serverDirs.renderAll(broker::list);
    }

    /** The client as it is now; empty once deleted. */
    private Optional<Client> current(String name) {
        try {
            return Optional.of(broker.show(name));
        } catch (ClientNotFoundException e) {
            return Optional.empty();
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
