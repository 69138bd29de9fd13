package net.v6broker.effects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.v6broker.broker.Client;
import net.v6broker.broker.Effect;
import net.v6broker.broker.EffectSink;
import net.v6broker.ca.Pem;
import net.v6broker.config.Home;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.CrlRow;

/**
 * The one applier of effects, in the command line, the HTTP layer and the daemon alike: the CRL is
 * published (the home's copy, then every server directory's), the changed clients' files are
 * rewritten or removed, and the {@link Tunnels} of this process end sessions and start or stop
 * instances.
 *
 * <p>Order: a change and the application of its effects run under one lock of the home
 * ({@link #inOrder}), a JVM monitor and a file lock ({@code HOME/.apply.lock}), so changes made at
 * once by several processes and threads are applied in the order they committed and the newest
 * state is always the last one written. The CRL is written atomically, and never over a newer one
 * (its number decides).
 *
 * <p>Thread-safe.
 */
public final class EffectApplier implements EffectSink {
    private static final Object JVM_LOCK = new Object();
    private final Home home;
    private final ServerDirs dirs;
    private final Tunnels tunnels;

    public EffectApplier(Home home, ServerDirs dirs, Tunnels tunnels) {
        this.home = home;
        this.dirs = dirs;
        this.tunnels = tunnels;
    }

    @Override
    public <T> T inOrder(Supplier<T> change) {
        synchronized (JVM_LOCK) {
            Path file = home.dir().resolve(".apply.lock");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return change.get();
            } catch (IOException e) {
                throw new UncheckedIOException("locking " + file, e);
            }
        }
    }

    @Override
    public void apply(List<Effect> effects) {
        applyAndDescribe(effects);
    }

    /**
     * Applies the effects, the CRL and the files first and the sessions last (a halted client that
     * comes back meets the new CRL and files); returns what was done, a phrase each, for a log.
     */
    public List<String> applyAndDescribe(List<Effect> effects) {
        List<String> done = new ArrayList<>();
        CrlRow newest = null;
        Map<String, Optional<Client>> changed = new LinkedHashMap<>();
        List<String> ending = new ArrayList<>();
        boolean serverFiles = false;
        for (Effect e : effects) {
            if (e instanceof Effect.ServerFilesChanged) {
                serverFiles = true;
            } else if (e instanceof Effect.PublishCrl p) {
                newest = newest == null || p.crl().number() > newest.number() ? p.crl() : newest;
            } else if (e instanceof Effect.ClientChanged c) {
                changed.put(c.name(), c.client());
            } else if (e instanceof Effect.EndSession s) {
                ending.add(s.name());
            }
        }
        if (serverFiles) {
            dirs.serverFilesChanged();
            done.add("CA and server certificate copied into the server directories");
        }
        if (newest != null) {
            done.add(publish(newest) ? "CRL #" + newest.number() + " published" : "CRL #" + newest.number() + " (a newer one is published)");
        }
        dirs.clientsChanged(changed);
        for (Map.Entry<String, Optional<Client>> c : changed.entrySet()) {
            tunnels.clientChanged(c.getKey(), c.getValue());
            done.add(c.getValue().filter(Client::active).isPresent() ? "client file of " + c.getKey() + " written"
                    : "client file of " + c.getKey() + " removed");
        }
        for (String name : ending) {
            int n = tunnels.endSessions(name);
            if (n > 0) {
                done.add(n + " session(s) of " + name + " ended");
            }
        }
        if (serverFiles) {
            tunnels.reloadServers();
            done.add("openvpn told to re-read them");
        }
        return done;
    }

    /**
     * Writes the CRL to the home and every server directory, unless the home holds a newer one
     * (another writer published it first). Under its own lock: {@code server config} and this
     * applier may both write it. True when written.
     */
    private boolean publish(CrlRow crl) {
        synchronized (JVM_LOCK) {
            Path file = home.crl();
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel ch = FileChannel.open(file.resolveSibling(".crl.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
                    if (Files.exists(file) && publishedNumber(Files.readString(file)) >= crl.number()) {
                        return false;
                    }
                    Home.writeAtomically(file, crl.pem(), Home.PUBLIC);
                    dirs.crlChanged(crl.pem());
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("publishing CRL #" + crl.number() + " to " + file, e);
            }
        }
    }

    /** The number of the published CRL; -1 when the file holds none that can be read (it is replaced). */
    private static long publishedNumber(String pem) {
        try {
            return Pem.crlNumber(pem);
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
