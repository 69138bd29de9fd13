package net.v6broker.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import net.v6broker.api.BrokerMetrics;
import net.v6broker.api.BrokerOps;
import net.v6broker.api.Limits;
import net.v6broker.api.Services;
import net.v6broker.broker.Broker;
import net.v6broker.broker.ControlKeys;
import net.v6broker.broker.Subscriptions;
import net.v6broker.ca.Pem;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.openvpn.ClientExport;
import net.v6broker.openvpn.Site;
import net.v6broker.store.Store;

/**
 * Wires the HTTP layer to an opened broker home: the same broker (and so the same effects) the
 * command line uses, the subscription workflow on it, and the exports {@code client export} writes.
 */
public final class HttpServices {
    private HttpServices() {
    }

    public static Services of(Home home, BrokerConfig config, Store store, Broker broker, Clock clock, SecureRandom random,
                              Limits limits, Supplier<Map<String, Object>> health, String node,
                              Supplier<BrokerMetrics.DaemonFacts> daemon) {
        BrokerMetrics metrics = new BrokerMetrics(store, broker, clock, node, config.http().metricsClients(),
                new BrokerMetrics.Certificates(() -> Pem.readCertificate(home.read(home.caCertificate())),
                        () -> Pem.readCertificate(home.read(home.serverCertificate()))), daemon);
        Site site = Site.forHome(config, store);
        Subscriptions subscriptions = new Subscriptions(store, broker, clock, random, limits.linkLifetime(), limits.linksPerDay());
        return new Services(BrokerOps.of(broker), subscriptions,
                (client, request) -> ClientExport.render(site, client, home.read(home.caCertificate()),
                        ControlKeys.clientKey(ControlKeys.serverKey(store, random), client, random), request, clock.instant()),
                store, config.endpoint(), () -> home.read(home.caCertificate()), clock, random, limits, config.http(), health,
                metrics, new net.v6broker.broker.Reclaim(broker, store, clock, config.clients().reclaim()),
                () -> net.v6broker.api.CertificateWarnings.of(home.read(home.caCertificate()), home.read(home.serverCertificate()),
                        clock.instant(), config.ca()));
    }
}
