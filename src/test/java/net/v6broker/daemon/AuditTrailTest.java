package net.v6broker.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.v6broker.CliRunner;
import net.v6broker.MutableClock;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.home.HomeCa;
import net.v6broker.home.HomeSetup;
import net.v6broker.openvpn.Layout;
import net.v6broker.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted day of changes through every door: the command line, the API, a subscriber, the web
 * UI and the daemon's own work. The audit trail names the right actor, origin and action for each,
 * and shows the same rows on the command line, in the API and on the web client page.
 */
class AuditTrailTest {
    @TempDir
    Path dir;
    Path home;
    ApiServer server;
    String ops;

    @BeforeEach
    void start() {
        home = ApiServer.init(dir);
        ops = ApiServer.operatorToken(home, "ops");
        server = new ApiServer(home, new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDayOfChangesNamesTheRightActorForEach() throws Exception {
        String user = System.getProperty("user.name");
        // the command line
        CliRunner.ok("client", "add", "alice", "--type", "hermit", "--home", home.toString());
        // the API, with the operator token "ops"
        assertThat(server.post("/api/v1/clients", ops, "{\"name\":\"bob\",\"type\":\"subnet\"}").status()).isEqualTo(201);
        assertThat(server.post("/api/v1/clients/bob/suspend", ops, null).status()).isEqualTo(200);
        // a subscriber asks
        JsonNode asked = server.post("/api/v1/subscriptions", null, "{\"name\":\"carol\",\"email\":\"carol@example.net\","
                + "\"type\":\"hermit\",\"reason\":\"a laptop\"}").json();
        long request = asked.path("id").asLong();
        // the web UI: an operator logs in, approves carol and revokes alice
        String session = server.login(ops);
        String csrf = ApiServer.csrf(server.page(session, "/admin"));
        assertThat(server.form("/admin/requests/" + request + "/approve", session, "csrf=" + csrf).statusCode()).isEqualTo(302);
        assertThat(server.form("/admin/clients/alice/revoke", session, "csrf=" + csrf).statusCode()).isEqualTo(302);
        // the daemon's own work: the CRL it re-issues when due, a month on
        daemonRefreshesTheCrl(Instant.now().plus(Duration.ofDays(25)));

        List<String> rows = new ArrayList<>();
        for (JsonNode r : json(CliRunner.ok("audit", "--json", "--home", home.toString()))) {
            rows.add(r.path("action").asText() + " " + r.path("client").asText("-") + " by " + r.path("actorKind").asText()
                    + ":" + r.path("actor").asText());
        }
        assertThat(rows).containsExactly(
                "init - by cli:" + user,
                "crl - by cli:" + user, // the home's first CRL
                "token-create - by cli:" + user,
                "add alice by cli:" + user,
                "add bob by api:ops",
                "suspend bob by api:ops",
                "subscribe carol by subscriber:carol@example.net",
                "approve carol by web:ops",
                "add carol by web:ops",
                "revoke alice by web:ops",
                "crl - by web:ops",
                "crl - by daemon:v6broker serve");

        // where from: the HTTP client's address, the host of the command line, the node of the daemon
        JsonNode api = server.get("/api/v1/audit?client=bob", ops).json().path("items");
        assertThat(api).hasSize(2);
        assertThat(api.get(0).path("origin").asText()).isEqualTo("127.0.0.1");
        assertThat(api.get(1).path("before").path("status").asText()).isEqualTo("active");
        assertThat(api.get(1).path("after").path("status").asText()).isEqualTo("suspended");
        JsonNode all = server.get("/api/v1/audit?since=1h", ops).json().path("items");
        assertThat(all.get(all.size() - 1).path("origin").asText()).isEqualTo("node-a");
        assertThat(server.get("/api/v1/audit?since=yesterday", ops).status()).isEqualTo(400);
        assertThat(server.get("/api/v1/audit", null).status()).isEqualTo(401);

        // the text form, one client
        String text = CliRunner.ok("audit", "--client", "alice", "--home", home.toString());
        assertThat(text.lines().toList()).hasSize(3);
        assertThat(text).contains("revoke", "web", "status active -> revoked");

        // the web client page shows the client's history, newest first
        String page = server.page(session, "/admin/clients/alice");
        Matcher m = Pattern.compile("<section class=\"card\" id=\"audit\">(.*?)</section>", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).contains("web: ops", "cli: " + user).containsSubsequence("revoke", "add");
    }

    /** What the daemon does every minute, at {@code when}: the CRL re-issued once a third of its validity is left. */
    private void daemonRefreshesTheCrl(Instant when) {
        MutableClock clock = new MutableClock(when);
        SecureRandom random = new SecureRandom();
        Home h = new Home(home);
        BrokerConfig config = h.loadConfig();
        try (Store store = HomeSetup.openDatabase(h, config, clock)) {
            CertificateAuthority ca = HomeCa.load(h, clock, random);
            Daemon daemon = new Daemon(h, config, store, HomeSetup.broker(h, config, () -> store, () -> ca, clock), clock, random,
                    new Daemon.Options(Layout.SHARED, false, "node-a", false));
            daemon.refreshCrlIfDue();
        }
    }

    private static JsonNode json(String text) throws Exception {
        return ApiServer.JSON.readTree(text);
    }
}
