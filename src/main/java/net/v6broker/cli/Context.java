package net.v6broker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import net.v6broker.broker.Broker;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.store.Store;

/**
 * What a command needs, made on first use: the home, its configuration, the database, the CA and
 * the broker. Commands that only read never parse the CA key. Not thread-safe: one per CLI call.
 */
public final class Context implements AutoCloseable {
    final Clock clock;
    final SecureRandom random;
    final PrintWriter out;
    final PrintWriter err;
    final boolean terminal;
    Path homeDir = Path.of("broker-home");
    private Home home;
    private BrokerConfig config;
    private Store store;
    private Broker broker;
    private CertificateAuthority ca;

    Context(Clock clock, SecureRandom random, PrintWriter out, PrintWriter err, boolean terminal) {
        this.clock = clock;
        this.random = random;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    Home home() {
        if (home == null) {
            home = new Home(homeDir);
        }
        return home;
    }

    BrokerConfig config() {
        if (config == null) {
            config = home().loadConfig();
        }
        return config;
    }

    Store store() {
        if (store == null) {
            store = Store.open(home().databaseUrl(config()), config().database().user(), home().databasePassword(config()));
        }
        return store;
    }

    CertificateAuthority ca() {
        if (ca == null) {
            ca = CertificateAuthority.load(home().read(home().caCertificate()), home().read(home().caKey()), clock, random);
        }
        return ca;
    }

    Broker broker() {
        if (broker == null) {
            broker = new Broker(config(), store(), this::ca, clock);
        }
        return broker;
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
        if (store != null) {
            store.close();
        }
        out.flush();
        err.flush();
    }
}
