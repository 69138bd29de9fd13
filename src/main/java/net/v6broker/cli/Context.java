package net.v6broker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import net.v6broker.broker.Broker;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.store.Store;

/**
 * What a command needs, made on first use: the home, its configuration, the database, the CA and
 * the broker. Commands that only read never parse the CA key. A command that issues certificates
 * has the CA loaded and the database opened on threads of their own while it goes on
 * ({@link #loadCaInBackground}, {@link #openStoreInBackground}): on a cold JVM each takes 15-30 ms.
 *
 * <p>Not thread-safe: one per CLI call; only {@link #ca} and {@link #store} may be called from
 * other threads (the importer's issuing threads reach the CA through the broker).
 */
public final class Context implements AutoCloseable {
    final Clock clock;
    /** Made on first use: the JDK's first SecureRandom sets up its providers, some 18 ms on a cold JVM. */
    private final Ahead<SecureRandom> random;
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;
    Path homeDir = Path.of("broker-home");
    private Home home;
    // The makers below are classes, not lambdas, on purpose: the JVM's first lambda costs some 3 ms
    // of set-up, and a command that starts these on other threads should start them first
    // (docs/decisions.md, 18).
    /** Read on first use, by whichever thread first needs it (the database's, in {@code client add}). */
    private final Ahead<BrokerConfig> config = new Ahead<>("configuration", new Callable<BrokerConfig>() {
        @Override
        public BrokerConfig call() {
            return home().loadConfig();
        }
    });
    private final Ahead<Store> store = new Ahead<>("database open", new Callable<Store>() {
        @Override
        public Store call() {
            return openStore();
        }
    });
    private Broker broker;
    private final Ahead<CertificateAuthority> ca = new Ahead<>("CA load", new Callable<CertificateAuthority>() {
        @Override
        public CertificateAuthority call() {
            return loadCa();
        }
    });
    /** ca.crt and ca.key as loaded, when the home did not record that they match. */
    private volatile CaFiles unrecorded;

    private record CaFiles(String certificate, String key) {
    }

    Context(Clock clock, java.util.function.Supplier<SecureRandom> random, PrintWriter out, PrintWriter err,
            boolean terminal) {
        this.clock = clock;
        this.random = new Ahead<>("randomness", new Callable<SecureRandom>() {
            @Override
            public SecureRandom call() {
                return random.get();
            }
        });
        this.out = out;
        this.err = err;
        this.terminal = terminal;
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

    private Store openStore() {
        return net.v6broker.broker.HomeSetup.openDatabase(home(), config(), clock);
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
        return ca.get();
    }

    /**
     * Loads the CA. That its key belongs to its certificate is recorded in the home once proven
     * (see {@link #close}), so that later commands need not prove it again.
     */
    private CertificateAuthority loadCa() {
        String certificate = home().read(home().caCertificate());
        String key = home().read(home().caKey());
        boolean recorded = home().caKeyMatchRecorded(certificate, key);
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.load(certificate, key, clock, random(), recorded);
            if (!recorded) {
                ca.proveKey(); // a key not yet known to match is proven here, so the failure names the files
            }
        } catch (net.v6broker.ca.CaException e) {
            throw new net.v6broker.ca.CaException("cannot load the CA from " + home().caKey() + " and " + home().caCertificate()
                    + ": " + e.getMessage(), e);
        }
        if (!recorded) {
            unrecorded = new CaFiles(certificate, key);
        }
        return ca;
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
            broker = new Broker(config(), this::store, this::ca, clock);
        }
        return broker;
    }

    /** Records in the home that the CA key matches the certificate, once a signature proved it. */
    private void recordKeyMatch(CertificateAuthority authority) {
        CaFiles files = unrecorded;
        if (files != null && authority.keyProven()) {
            try {
                home().recordCaKeyMatch(files.certificate(), files.key());
            } catch (RuntimeException e) {
                // only a saving for later commands: this one succeeded without it
            }
        }
    }

    /** Set by a command that reports the home's permissions itself ({@code check}): no warning then. */
    boolean permissionsReported;

    /** Warns, once per command, of every file of the home whose permissions let others in. */
    private void warnAboutPermissions() {
        try {
            for (Home.LoosePermission p : home.loosePermissions()) {
                err.println("v6broker: warning: " + p.text());
            }
        } catch (java.io.UncheckedIOException e) {
            err.println("v6broker: warning: " + e.getMessage() + ": " + e.getCause().getMessage());
        }
    }

    /** What profiles are rendered from: the plan, this node's endpoint and every other node's. */
    net.v6broker.openvpn.Site site() {
        java.util.List<BrokerConfig.Endpoint> nodes = new java.util.ArrayList<>();
        for (String[] n : store().read(tx -> tx.nodes())) {
            nodes.add(new BrokerConfig.Endpoint(n[0], Integer.parseInt(n[1])));
        }
        return net.v6broker.openvpn.Site.of(config()).withNodes(nodes);
    }

    LocalEffects effects() {
        return new LocalEffects(home(), config(), broker());
    }

    @Override
    public void close() {
        store.ifMade(Store::close);
        ca.ifMade(this::recordKeyMatch);
        if (home != null && !permissionsReported && java.nio.file.Files.exists(home.config())) {
            warnAboutPermissions();
        }
        out.flush();
        err.flush();
    }
}
