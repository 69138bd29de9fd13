package net.v6broker.broker;

import net.v6broker.home.HomeSetup;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import net.v6broker.MutableClock;
import net.v6broker.RecordedEffects;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.store.Store;

/** A real home (real CA, real SQLite file) under a test's temporary directory. */
final class TestBroker implements AutoCloseable {
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    final Home home;
    final BrokerConfig config;
    final Store store;
    final Broker broker;
    /** What the broker's changes applied. */
    final RecordedEffects effects = new RecordedEffects();

    TestBroker(Path dir, String prefix, int quarantineDays) {
        this(dir, prefix, quarantineDays, null);
    }

    /** With {@code database} null: the embedded SQLite file; else that database (PostgreSQL). */
    TestBroker(Path dir, String prefix, int quarantineDays, BrokerConfig.Database database) {
        this(dir, prefix, quarantineDays, database, true, null);
    }

    /** On SQLite, with the regions of {@code plan} instead of the default layout of its prefix. */
    TestBroker(Path dir, net.v6broker.ipam.AddressPlan plan, int quarantineDays) {
        this(dir, plan.prefix().toString(), quarantineDays, null, true, plan);
    }

    private TestBroker(Path dir, String prefix, int quarantineDays, BrokerConfig.Database database, boolean create,
                       net.v6broker.ipam.AddressPlan plan) {
        SecureRandom random = new SecureRandom();
        if (create) {
            BrokerConfig requested = new BrokerConfig(prefix, BrokerConfig.Endpoint.parse("vpn.example.net"), null,
                    new BrokerConfig.Clients(quarantineDays, 0), database);
            HomeSetup setup = new HomeSetup(clock, random);
            home = plan == null ? setup.create(dir.resolve("home"), requested) : setup.create(dir.resolve("home"), requested, plan);
            config = home.loadConfig();
            store = Store.open(home.databaseUrl(config), config.database().user(), home.databasePassword(config));
        } else {
            home = new Home(dir.resolve("home"));
            config = home.loadConfig();
            store = HomeSetup.openDatabase(home, config, clock);
        }
        CertificateAuthority ca = CertificateAuthority.load(home.read(home.caCertificate()), home.read(home.caKey()),
                clock, random);
        broker = new Broker(config, store, () -> ca, clock, effects);
    }

    /** The broker of the home an earlier instance made under {@code dir}, opened as every command opens it. */
    static TestBroker reopen(Path dir, String prefix, int quarantineDays) {
        return new TestBroker(dir, prefix, quarantineDays, null, false, null);
    }

    @Override
    public void close() {
        store.close();
    }
}
