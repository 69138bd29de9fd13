package net.v6broker.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;
import net.v6broker.broker.Broker;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.effects.Tunnels;
import net.v6broker.home.HomeCa;
import net.v6broker.home.HomeSetup;
import net.v6broker.openvpn.Site;
import net.v6broker.store.Store;

/**
 * What a command needs, made on first use: the home, its configuration, the database, the CA and
 * the broker (whose changes apply their effects in this process with {@link Tunnels#ELSEWHERE}: the
 * daemons end sessions from the event stream). A command that issues certificates has the CA loaded
 * and the database opened on threads of their own while it goes on ({@link #loadCaInBackground},
 * {@link #openStoreInBackground}): on a cold JVM each takes long (docs/decisions.md, 17).
 *
 * <p>Not thread-safe: one per CLI call; only {@link #ca} and {@link #store} may be called from
 * other threads (the importer's issuing threads reach the CA through the broker).
 */
public final class Context implements AutoCloseable {
    final Clock clock;
    private final Ahead<SecureRandom> random;
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;
    Path homeDir = Path.of("broker-home");
    private Home home;
    /** Read on first use, by whichever thread first needs it (the database's, in {@code client add}). */
    private final Ahead<BrokerConfig> config = new Ahead<>("configuration", () -> home().loadConfig());
    private final Ahead<Store> store = new Ahead<>("database open", () -> HomeSetup.openDatabase(home(), config(), clock()));
    private final Ahead<HomeCa.Current> ca = new Ahead<>("CA load", () -> HomeCa.current(home(), clock(), random()));
    private Broker broker;
    /** Set by a command that reports the home's permissions itself ({@code check}): no warning then. */
    boolean permissionsReported;

    Context(Clock clock, Supplier<SecureRandom> random, PrintWriter out, PrintWriter err, boolean terminal) {
        this.clock = clock;
        this.random = new Ahead<>("randomness", random::get);
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    private Clock clock() {
        return clock;
    }

    /** The source of randomness: keys, serial numbers, tokens; thread-safe. */
    SecureRandom random() {
        return random.get();
    }

    Home home() {
        if (home == null) {
            home = new Home(homeDir);
        }
        return home;
    }

    BrokerConfig config() {
        return config.get();
    }

    /** The database, opened on first use or by {@link #openStoreInBackground}; thread-safe. */
    Store store() {
        return store.get();
    }

    /**
     * For a command about to issue certificates: starts opening the database on another thread,
     * which reads the configuration first. A failure is thrown where either is first used.
     */
    void openStoreInBackground() {
        home(); // made here, before the thread starts: the thread only reads it
        store.startMaking();
    }

    /** The CA, loaded on first use or by {@link #loadCaInBackground}; thread-safe. */
    CertificateAuthority ca() {
        return ca.get().get(); // as the files are now: a rollover by another process is seen at the next use
    }

    /**
     * For a command about to issue certificates: starts loading the CA on another thread. A failure
     * is thrown where the CA is first used.
     */
    void loadCaInBackground() {
        home(); // made here, before the thread starts: the thread only reads it
        ca.startMaking();
    }

    /** The broker; it opens the database when it first uses it. */
    Broker broker() {
        if (broker == null) {
            broker = HomeSetup.broker(home(), config(), this::store, this::ca, clock);
        }
        return broker;
    }

    /** What profiles are rendered from: the plan, this node's endpoint and every other node's. */
    Site site() {
        return Site.forHome(config(), store());
    }

    /** Warns of every file of the home whose permissions let others in. */
    private void warnAboutPermissions() {
        try {
            for (Home.LoosePermission p : home.loosePermissions()) {
                err.println("v6broker: warning: " + p.text());
            }
        } catch (UncheckedIOException e) {
            err.println("v6broker: warning: " + e.getMessage() + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public void close() {
        store.ifMade(Store::close);
        if (home != null && !permissionsReported && Files.exists(home.config())) {
            warnAboutPermissions();
        }
        out.flush();
        err.flush();
    }
}
