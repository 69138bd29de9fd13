package net.v6broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.v6broker.Processes;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics}: an operator token opens it; the text is valid for Prometheus's own
 * {@code promtool check metrics}; the figures are the database's; HTTP requests are counted by route.
 */
public class MetricsTest extends WithApiServer {
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_][a-z0-9_]*(?:\\{[^}]*})?) (\\S+)$", Pattern.MULTILINE);

    public static Map<String, Double> samples(String text) {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    @Test
    void anOperatorScrapesValidMetricsOfClientsCertificatesPoolsAndRequests() throws Exception {
        assertThat(api.get("/metrics", null).status()).isEqualTo(401);
        for (String n : List.of("a", "b", "c")) {
            assertThat(api.post("/api/v1/clients", ops, "{\"name\":\"" + n + "\",\"type\":\"" + (n.equals("c") ? "subnet" : "hermit")
                    + "\"}").status()).isEqualTo(201);
        }
        assertThat(api.post("/api/v1/clients/b/suspend", ops, "").status()).isEqualTo(200);
        api.services.store().inTransaction(tx -> {
            tx.setEventCursor("test", 1, java.time.Instant.now()); // a node that applied the first event only
            java.time.Instant now = java.time.Instant.now();
            tx.upsertSession(new net.v6broker.store.SessionRow(0, "test", "a", 5, "198.51.100.10:40000", "2001:db8:abba:f1ff::100",
                    now.minusSeconds(60), now, 1000, 2500, null));
            return null;
        });
        ApiServer.Reply r = api.get("/metrics", ops);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        String text = r.text();
        Map<String, Double> s = samples(text);
        assertThat(s).containsEntry("v6broker_clients{kind=\"hermit\",state=\"active\"}", 1.0)
                .containsEntry("v6broker_clients{kind=\"hermit\",state=\"suspended\"}", 1.0)
                .containsEntry("v6broker_clients{kind=\"subnet\",state=\"active\"}", 1.0)
                .containsEntry("v6broker_sessions{node=\"test\"}", 1.0)
                .containsEntry("v6broker_session_received_bytes{node=\"test\"}", 1000.0)
                .containsEntry("v6broker_client_sent_bytes{client=\"a\"}", 2500.0)
                .containsEntry("v6broker_event_lag_events{node=\"test\"}", 5.0)
                .containsEntry("v6broker_openvpn_up{openvpn=\"server\"}", 1.0)
                .containsEntry("v6broker_pool_blocks{pool=\"hermit\",state=\"used\"}", 2.0)
                .containsEntry("v6broker_pool_blocks{pool=\"subnet64\",state=\"used\"}", 1.0)
                .containsEntry("v6broker_http_requests_total{route=\"/api/v1/clients\",status=\"201\"}", 3.0)
                .containsEntry("v6broker_http_requests_total{route=\"/metrics\",status=\"401\"}", 1.0);
        assertThat(s.get("v6broker_crl_next_update_seconds")).isPositive();
        assertThat(s.get("v6broker_certificate_expiry_seconds{certificate=\"ca\"}"))
                .isGreaterThan(s.get("v6broker_certificate_expiry_seconds{certificate=\"client_soonest\"}") - 86400);
        assertThat(s).containsKeys("v6broker_certificate_expiry_seconds{certificate=\"server\"}",
                "v6broker_management_errors_total");
        assertThat(text).doesNotContain("route=\"/api/v1/clients/a/suspend\"").as("routes are patterns, not paths");

        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, text);
        // promtool exits non-zero (and Processes.run fails with its words) on text Prometheus would not take
        Processes.run(List.of("sh", "-c", "promtool check metrics < " + file));

        // every metric the alert rules and the dashboard name is one this scrape serves
        Set<String> served = new TreeSet<>();
        Matcher help = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (help.find()) {
            served.add(help.group(1));
        }
        for (Path f : List.of(Path.of("deploy/prometheus/v6broker-alerts.yml"), Path.of("deploy/grafana/v6broker-dashboard.json"))) {
            Matcher used = Pattern.compile("v6broker_[a-z0-9_]+").matcher(Files.readString(f));
            while (used.find()) {
                assertThat(served).as(f + " names " + used.group()).contains(used.group());
            }
        }
    }

    @Test
    void theAlertRulesAreValidAndTheirTestsPassAndTheDashboardsQueriesParse() throws Exception {
        Processes.run(List.of("promtool", "check", "rules", "deploy/prometheus/v6broker-alerts.yml"));
        String tested = Processes.run(List.of("sh", "-c", "cd deploy/prometheus && promtool test rules v6broker-alerts.test.yml"));
        assertThat(tested).contains("SUCCESS");
        // promtool parses PromQL in rule files only: each dashboard query becomes a recording rule to be checked
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        JsonNode dashboard = ApiServer.JSON.readTree(Path.of("deploy/grafana/v6broker-dashboard.json").toFile());
        int n = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                rules.append("      - record: dashboard_").append(n++).append("\n        expr: '")
                        .append(target.get("expr").asText().replace("'", "''")).append("'\n");
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(10);
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);
        assertThat(Processes.run(List.of("promtool", "check", "rules", file.toString()))).contains("SUCCESS: " + n + " rules found");
    }
}
