package net.v6broker.api;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import net.v6broker.broker.Reclaim;
import net.v6broker.broker.Subscriptions;
import net.v6broker.config.BrokerConfig;
import net.v6broker.store.Store;

/**
 * Everything the HTTP layer calls, wired once by {@code serve} (or a test).
 *
 * @param broker        the coordinator every change goes through
 * @param subscriptions the subscription workflow
 * @param exporter      renders profiles and archives
 * @param store         tokens, subscription requests, sessions and allocation usage
 * @param endpoint      where clients connect (shown to subscribers)
 * @param caCertificate the CA certificate PEM
 * @param http          the listener's trusted proxies
 * @param health        what {@code GET /api/v1/health} reports besides {@code status}
 * @param metrics       what {@code GET /metrics} serves, and where HTTP requests are counted
 * @param reclaim       the reclaim policy, whose notices {@code GET /api/v1/reclaim} lists
 * @param warnings      what operators must hear about now ({@link CertificateWarnings}), on every web page
 */
public record Services(BrokerOps broker, Subscriptions subscriptions, Exporter exporter, Store store,
                       BrokerConfig.Endpoint endpoint, Supplier<String> caCertificate, Clock clock, SecureRandom random,
                       Limits limits, BrokerConfig.Http http, Supplier<Map<String, Object>> health,
                       BrokerMetrics metrics, Reclaim reclaim, Supplier<List<String>> warnings) {
    public Services {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(subscriptions, "subscriptions");
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(reclaim, "reclaim");
        Objects.requireNonNull(warnings, "warnings");
    }
}
