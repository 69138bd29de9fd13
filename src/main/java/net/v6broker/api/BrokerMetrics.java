package net.v6broker.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.v6broker.broker.Broker;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;

/**
 * What {@code GET /metrics} serves, made with the Prometheus Java client: every value is read when
 * Prometheus scrapes, from the database (the same rows {@code status --json} prints) and from the
 * daemon, so nothing is kept twice. Per-client byte series are bounded by
 * {@code http.metricsClients} (the busiest clients); the totals always cover every session. The
 * node's live sessions are read once a scrape, for every series drawn from them. Thread-safe:
 * scrapes take turns.
 */
public final class BrokerMetrics {
    /** One openvpn instance the daemon runs. */
    public record Openvpn(String instance, boolean up, int restarts) {
    }

    /** What the daemon reports: its instances and the management-interface errors it met. */
    public record DaemonFacts(List<Openvpn> instances, long managementErrors) {
        public static DaemonFacts none() {
            return new DaemonFacts(List.of(), 0);
        }
    }

    /** Where the certificates' ends come from (the home's files). */
    public record Certificates(Supplier<X509Certificate> ca, Supplier<X509Certificate> server) {
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter httpRequests;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Store store;
    private final String node;
    private final int clientLimit;
    /** This node's live sessions, read at the start of the scrape in progress; guarded by {@code this}. */
    private List<SessionRow> live = List.of();
    /** The busiest of them by client; guarded by {@code this}. */
    private List<Traffic> busiest = List.of();

    public BrokerMetrics(Store store, Broker broker, Clock clock, String node, int clientLimit, Certificates certificates,
                         Supplier<DaemonFacts> daemon) {
        this.store = store;
        this.node = node;
        this.clientLimit = clientLimit;
        httpRequests = Counter.builder().name("v6broker_http_requests").help("HTTP requests answered, by route and status")
                .labelNames("route", "status").register(registry);
        GaugeWithCallback.builder().name("v6broker_sessions").help("Live sessions on this node (as status --json counts them)")
                .labelNames("node").callback(cb -> cb.call(live.size(), node)).register(registry);
        GaugeWithCallback.builder().name("v6broker_session_received_bytes")
                .help("Bytes received from clients by this node's live sessions, all of them").labelNames("node")
                .callback(cb -> cb.call(live.stream().mapToLong(SessionRow::bytesIn).sum(), node)).register(registry);
        GaugeWithCallback.builder().name("v6broker_session_sent_bytes")
                .help("Bytes sent to clients by this node's live sessions, all of them").labelNames("node")
                .callback(cb -> cb.call(live.stream().mapToLong(SessionRow::bytesOut).sum(), node)).register(registry);
        GaugeWithCallback.builder().name("v6broker_client_received_bytes")
                .help("Bytes received from a client's live sessions on this node, for the busiest http.metricsClients clients")
                .labelNames("client").callback(cb -> busiest.forEach(c -> cb.call(c.received(), c.name()))).register(registry);
        GaugeWithCallback.builder().name("v6broker_client_sent_bytes")
                .help("Bytes sent to a client's live sessions on this node, for the busiest http.metricsClients clients")
                .labelNames("client").callback(cb -> busiest.forEach(c -> cb.call(c.sent(), c.name()))).register(registry);
        GaugeWithCallback.builder().name("v6broker_clients").help("Clients by state and kind").labelNames("state", "kind")
                .callback(cb -> {
                    Broker.Counts counts = broker.counts();
                    for (ClientStatus st : ClientStatus.values()) {
                        for (ClientKind k : ClientKind.values()) {
                            cb.call(counts.byStatusAndKind()[st.ordinal()][k.ordinal()], st.dbName(), k.cliName());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("v6broker_pool_blocks")
                .help("Blocks of each pool (hermit, or a region of subnets by size) by use").labelNames("pool", "state")
                .callback(cb -> pools(store, broker, clock, cb)).register(registry);
        GaugeWithCallback.builder().name("v6broker_crl_next_update_seconds").help("Seconds until the newest CRL's nextUpdate")
                .callback(cb -> cb.call(seconds(clock, broker.currentCrl().nextUpdate()))).register(registry);
        GaugeWithCallback.builder().name("v6broker_certificate_expiry_seconds")
                .help("Seconds until a certificate expires: the CA's, the server's, and the soonest of the clients'")
                .labelNames("certificate").callback(cb -> {
                    cb.call(seconds(clock, certificates.ca().get().getNotAfter().toInstant()), "ca");
                    cb.call(seconds(clock, certificates.server().get().getNotAfter().toInstant()), "server");
                    Optional<Instant> soonest = store.read(tx -> tx.soonestClientCertificateEnd());
                    soonest.ifPresent(t -> cb.call(seconds(clock, t), "client_soonest"));
                }).register(registry);
        GaugeWithCallback.builder().name("v6broker_event_lag_events")
                .help("Events appended that a node has not applied yet, by node").labelNames("node").callback(cb -> {
                    long newest = store.read(tx -> tx.lastEventId());
                    store.read(tx -> tx.eventCursors()).forEach((n, applied) -> cb.call(Math.max(0, newest - applied), n));
                }).register(registry);
        GaugeWithCallback.builder().name("v6broker_openvpn_up").help("Whether an openvpn instance of this node runs (1) or not (0)")
                .labelNames("openvpn").callback(cb -> daemon.get().instances().forEach(o -> cb.call(o.up() ? 1 : 0, o.instance())))
                .register(registry);
        CounterWithCallback.builder().name("v6broker_openvpn_restarts").help("Restarts of an openvpn instance after it died")
                .labelNames("openvpn").callback(cb -> daemon.get().instances().forEach(o -> cb.call(o.restarts(), o.instance())))
                .register(registry);
        CounterWithCallback.builder().name("v6broker_management_errors")
                .help("Errors of openvpn's management interfaces: lost connections and refused commands")
                .callback(cb -> cb.call(daemon.get().managementErrors())).register(registry);
    }

    /** Counts one answered HTTP request; the route is the matched path pattern ({@code /api/v1/clients/{name}}), so the series stay few. */
    public void httpRequest(String route, int status) {
        httpRequests.labelValues(route, String.valueOf(status)).inc();
    }

    /** The text exposition format, version 0.0.4. */
    public synchronized String scrape() {
        live = store.read(tx -> tx.liveSessions(node));
        busiest = busiest(live, clientLimit);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        } finally {
            live = List.of();
            busiest = List.of();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String contentType() {
        return writer.getContentType();
    }

    private record Traffic(String name, long received, long sent) {
    }

    private static List<Traffic> busiest(List<SessionRow> sessions, int limit) {
        Map<String, long[]> by = new HashMap<>();
        for (SessionRow s : sessions) {
            long[] b = by.computeIfAbsent(s.clientName().toLowerCase(Locale.ROOT), k -> new long[2]);
            b[0] += s.bytesIn();
            b[1] += s.bytesOut();
        }
        List<Traffic> all = new ArrayList<>();
        by.forEach((n, b) -> all.add(new Traffic(n, b[0], b[1])));
        all.sort(Comparator.comparingLong((Traffic t) -> -(t.received() + t.sent())).thenComparing(Traffic::name));
        return all.subList(0, Math.min(limit, all.size()));
    }

    private static void pools(Store store, Broker broker, Clock clock, GaugeWithCallback.Callback cb) {
        Map<String, Object> plan = PlanUsage.of(broker.plan(), store, clock.instant()).json();
        @SuppressWarnings("unchecked")
        Map<String, Object> hermit = (Map<String, Object>) plan.get("hermit");
        cb.call(((Number) hermit.get("used")).doubleValue(), "hermit", "used");
        cb.call(((Number) hermit.get("quarantined")).doubleValue(), "hermit", "quarantined");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> regions = (List<Map<String, Object>>) plan.get("regions");
        for (Map<String, Object> r : regions) {
            String pool = "subnet" + r.get("size");
            for (String state : List.of("used", "quarantined", "free")) {
                cb.call(((Number) r.get(state)).doubleValue(), pool, state);
            }
        }
    }

    private static double seconds(Clock clock, Instant t) {
        return Duration.between(clock.instant(), t).toMillis() / 1000.0;
    }
}
