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
        config = new BrokerConfig(prefix, BrokerConfig.Endpoint.parse("vpn.example.net"), null,
                new BrokerConfig.Clients(quarantineDays, 0), database);
        SecureRandom random = new SecureRandom();
        home = new HomeSetup(clock, random).create(dir.resolve("home"), config);
        store = Store.open(home.databaseUrl(config), config.database().user(), home.databasePassword(config));
        CertificateAuthority ca = CertificateAuthority.load(home.read(home.caCertificate()), home.read(home.caKey()),
                clock, random);
        broker = new Broker(config, store, () -> ca, clock, effects);
    }

    @Override
    public void close() {
        store.close();
    }
}
