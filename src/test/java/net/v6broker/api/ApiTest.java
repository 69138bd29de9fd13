package net.v6broker.api;

import net.v6broker.CliRunner;
import net.v6broker.broker.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON API against a real server on a free port and a real broker home: every endpoint and error code. */
class ApiTest extends WithApiServer {
    private ApiServer.Reply add(String name, String type) {
        return api.post("/api/v1/clients", ops, "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"email\":\"a@example.net\"}");
    }

    @Test
    void healthIsPublicAndTheOpenapiDocumentDescribesEveryEndpoint() {
        ApiServer.Reply h = api.get("/api/v1/health", null);
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.json().path("status").asText()).isEqualTo("ok");
        assertThat(h.json().path("node").asText()).isEqualTo("test");
        ApiServer.Reply doc = api.get("/api/v1/openapi.json", null);
        assertThat(doc.status()).isEqualTo(200);
        List<String> paths = new ArrayList<>();
        doc.json().path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/api/v1/health", "/api/v1/openapi.json", "/api/v1/clients", "/api/v1/clients/{name}",
                "/api/v1/clients/{name}/revoke", "/api/v1/clients/{name}/suspend", "/api/v1/clients/{name}/resume",
                "/api/v1/clients/{name}/renew", "/api/v1/clients/{name}/profile", "/api/v1/clients/{name}/sessions",
                "/api/v1/sessions", "/api/v1/plan", "/api/v1/ca/certificate", "/api/v1/ca/crl", "/api/v1/subscriptions",
                "/api/v1/subscriptions/{id}", "/api/v1/subscriptions/{id}/approve", "/api/v1/subscriptions/{id}/reject",
                "/api/v1/me", "/api/v1/me/download-link", "/api/v1/downloads/{secret}");
        assertThat(h.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(h.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(h.header("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(h.header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void createAnswers201WithTheClientExactlyAsClientShowJsonPrintsIt() throws Exception {
        ApiServer.Reply r = add("alice", "subnet");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/api/v1/clients/alice");
        CliRunner.Run show = CliRunner.run("client", "show", "alice", "--json", "--home", home.toString());
        assertThat(r.json()).isEqualTo(ApiServer.JSON.readTree(show.out()));
        assertThat(r.json().path("prefix").asText()).isEqualTo("2001:db8:abba:f101::/64");
        assertThat(api.get("/api/v1/clients/alice", ops).json()).isEqualTo(r.json());
        // the server's rendered state follows as after the CLI: a hermit too
        assertThat(add("bob", "hermit").json().path("prefix").asText()).isEqualTo("2001:db8:abba:f1ff::100/128");
    }

    @Test
    void listsWithPagingAndFilters() {
        for (int i = 0; i < 7; i++) {
            add("c" + i, i % 2 == 0 ? "subnet" : "hermit");
        }
        JsonNode page = api.get("/api/v1/clients?limit=3&offset=3", ops).json();
        assertThat(page.path("total").asInt()).isEqualTo(7);
        assertThat(page.path("items")).hasSize(3);
        assertThat(page.path("items").get(0).path("name").asText()).isEqualTo("c3");
        assertThat(page.path("items").get(0).has("certificate")).isFalse();
        assertThat(api.get("/api/v1/clients?type=hermit", ops).json().path("total").asInt()).isEqualTo(3);
        assertThat(api.get("/api/v1/clients?q=C5", ops).json().path("items").get(0).path("name").asText()).isEqualTo("c5");
        // an address or prefix finds its holder: a hermit's /128, a subnet's /64 or its transfer /112
        assertThat(api.get("/api/v1/clients?q=2001:db8:abba:f1ff::101", ops).json().path("items").get(0).path("name").asText())
                .isEqualTo("c3");
        assertThat(api.get("/api/v1/clients?q=2001:db8:abba:f101::/64", ops).json().path("items").get(0).path("name").asText())
                .isEqualTo("c0");
        assertThat(api.get("/api/v1/clients?q=2001:db8:abba:f102::42", ops).json().path("items").get(0).path("name").asText())
                .isEqualTo("c2");
        assertThat(api.get("/api/v1/clients?q=2001:db8:abba:f100::f101:2", ops).json().path("items").get(0).path("name").asText())
                .isEqualTo("c0");
        assertThat(api.get("/api/v1/clients?q=2001:db8:ffff::1", ops).json().path("total").asInt()).isZero();
        assertThat(api.get("/api/v1/clients?q=2001:db8:abba:f1ff::1", ops).json().path("total").asInt()).isZero();
        api.post("/api/v1/clients/c0/suspend", ops, null);
        assertThat(api.get("/api/v1/clients?status=suspended", ops).json().path("items").get(0).path("name").asText()).isEqualTo("c0");
        for (String bad : List.of("limit=0", "limit=501", "limit=ten", "offset=-1", "status=gone", "type=router", "q=a%20b",
                "q=2001:db8::zz", "q=%3Cscript%3E")) {
            ApiServer.Reply r = api.get("/api/v1/clients?" + bad, ops);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.code()).isEqualTo("invalid_input");
        }
    }

    @Test
    void everyStateChangeAppliesItsEffectsAsTheCliDoes() throws Exception {
        add("carol", "subnet");
        String crlBefore = Files.readString(home.resolve("ca/crl.pem"));
        ApiServer.Reply s = api.post("/api/v1/clients/carol/suspend", ops, null);
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.json().path("status").asText()).isEqualTo("suspended");
        assertThat(api.post("/api/v1/clients/carol/suspend", ops, "{}").code()).isEqualTo("conflict");
        assertThat(api.post("/api/v1/clients/carol/resume", ops, "{}").json().path("status").asText()).isEqualTo("active");
        String serial = api.get("/api/v1/clients/carol", ops).json().path("serial").asText();
        ApiServer.Reply renewed = api.post("/api/v1/clients/carol/renew", ops, null);
        assertThat(renewed.json().path("serial").asText()).isNotEqualTo(serial);
        assertThat(Files.readString(home.resolve("ca/crl.pem"))).isNotEqualTo(crlBefore);
        ApiServer.Reply revoked = api.post("/api/v1/clients/carol/revoke", ops, null);
        assertThat(revoked.json().path("status").asText()).isEqualTo("revoked");
        assertThat(Files.readString(home.resolve("ca/crl.pem"))).isEqualTo(api.get("/api/v1/ca/crl", ops).text());
        ApiServer.Reply again = api.post("/api/v1/clients/carol/revoke", ops, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("conflict");
        assertThat(again.json().path("message").asText()).contains("already revoked");
        ApiServer.Reply export = api.get("/api/v1/clients/carol/profile", ops);
        assertThat(export.status()).isEqualTo(409);
        assertThat(export.code()).isEqualTo("export_refused");
        assertThat(api.delete("/api/v1/clients/carol", ops).status()).isEqualTo(200);
        ApiServer.Reply gone = api.get("/api/v1/clients/carol", ops);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.code()).isEqualTo("client_not_found");
        JsonNode plan = api.get("/api/v1/plan", ops).json();
        assertThat(plan.path("subnet").path("quarantined").asInt()).isEqualTo(1);
        assertThat(plan.path("grid").path("nonFree").toString()).contains("\"kind\":\"quarantined\"");
    }

    @Test
    void duplicateNamesAreRefusedWith409AndChangeNothing() {
        add("dave", "hermit");
        String before = api.database();
        ApiServer.Reply r = add("DAVE", "subnet");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("conflict");
        assertThat(api.database()).isEqualTo(before);
    }

    @Test
    void profilesArchivesSessionsPlanAndTheCaAreServed() {
        add("erin", "subnet");
        ApiServer.Reply ovpn = api.get("/api/v1/clients/erin/profile?format=ovpn", ops);
        assertThat(ovpn.status()).isEqualTo(200);
        assertThat(ovpn.text()).contains("<cert>", "BEGIN CERTIFICATE", "remote vpn.example.net");
        assertThat(ovpn.header("Content-Disposition")).contains("erin.ovpn");
        ApiServer.Reply tgz = api.get("/api/v1/clients/erin/profile?format=tar.gz&lanIf=eth1", ops);
        assertThat(tgz.response().body()[0] & 0xff).isEqualTo(0x1f);
        assertThat(api.get("/api/v1/clients/erin/profile?format=pdf", ops).code()).isEqualTo("invalid_input");
        assertThat(api.get("/api/v1/clients/erin/profile?lanIf=eth0;reboot", ops).status()).isEqualTo(400);
        // the compatibility table and the instance without tls-crypt, as on the command line
        ApiServer.Reply noCompat = api.get("/api/v1/clients/erin/profile?compat=no-tls-crypt", ops);
        assertThat(noCompat.status()).isBetween(400, 499);
        assertThat(noCompat.text()).contains("set openvpn.compatPort");
        assertThat(api.get("/api/v1/clients/erin/profile?compat=none", ops).code()).isEqualTo("invalid_input");
        ApiServer.Reply android = api.get("/api/v1/clients/erin/profile?format=tar.gz&for=android", ops);
        assertThat(android.status()).isBetween(400, 499);
        assertThat(android.text()).contains("cannot use this profile: it lacks up script");
        assertThat(api.get("/api/v1/clients/erin/profile?for=android", ops).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/clients/erin/sessions", ops).json().path("items")).isEmpty();
        assertThat(api.get("/api/v1/sessions", ops).json().path("items")).isEmpty();
        JsonNode plan = api.get("/api/v1/plan", ops).json();
        assertThat(plan.path("prefix").asText()).isEqualTo("2001:db8:abba:f100::/56");
        assertThat(plan.path("grid").path("cells").asInt()).isEqualTo(256);
        assertThat(plan.path("subnet").path("used").asInt()).isEqualTo(1);
        assertThat(plan.path("grid").path("nonFree").toString()).contains("2001:db8:abba:f101::/64");
        assertThat(api.get("/api/v1/ca/certificate", ops).text()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(api.get("/api/v1/ca/crl", ops).text()).startsWith("-----BEGIN X509 CRL-----");
    }

    @Test
    void operatorEndpointsNeedAValidOperatorToken() {
        for (String path : List.of("/api/v1/clients", "/api/v1/sessions", "/api/v1/plan", "/api/v1/ca/crl",
                "/api/v1/ca/certificate", "/api/v1/subscriptions")) {
            ApiServer.Reply none = api.get(path, null);
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.code()).isEqualTo("unauthorized");
            assertThat(api.get(path, "v6bo_" + "x".repeat(43)).status()).as(path).isEqualTo(401);
        }
        CliRunner.run("token", "revoke", "ops", "--home", home.toString());
        assertThat(api.get("/api/v1/clients", ops).status()).isEqualTo(401);
        String other = ApiServer.operatorToken(home, "ops");
        assertThat(api.get("/api/v1/clients", other).status()).isEqualTo(200);
        assertThat(api.database()).doesNotContain(other);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"name\":\"x1\",\"type\":\"hermit\",\"admin\":true}",
        "{\"name\":5,\"type\":\"hermit\"}",
        "{\"name\":[\"x\"],\"type\":\"hermit\"}",
        "{\"name\":\"x1\",\"type\":\"router\"}",
        "{\"name\":\"x1;rm -rf /\",\"type\":\"hermit\"}",
        "{\"name\":\"../../etc/passwd\",\"type\":\"hermit\"}",
        "{\"name\":\"x1\\nroute-ipv6 ::/0\",\"type\":\"hermit\"}",
        "{\"name\":\"<script>alert(1)</script>\",\"type\":\"hermit\"}",
        "{\"name\":\"x1' OR '1'='1\",\"type\":\"hermit\"}",
        "{\"name\":\"x1\",\"type\":\"hermit\",\"email\":\"a@b.c\\nBcc: x@y.z\"}",
        "{\"name\":\"x1\",\"type\":\"hermit\",\"os\":\"beos\"}",
        "{\"name\":\"x1\",\"name\":\"x2\",\"type\":\"hermit\"}",
        "{\"type\":\"hermit\"}",
        "[\"x1\",\"hermit\"]",
        "\"x1\"",
        "{\"name\":\"x1\",",
        "not json"})
    void badInputGetsA400WithAStableCodeAndChangesNothing(String body) {
        String before = api.database();
        ApiServer.Reply r = api.post("/api/v1/clients", ops, body);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isIn("invalid_input", "invalid_json");
        assertThat(r.json().path("message").asText()).isNotBlank();
        assertThat(api.database()).isEqualTo(before);
    }

    @Test
    void oversizedBodiesWrongMediaTypesAndUnknownRoutesAreRefused() {
        String before = api.database();
        String big = "{\"name\":\"x1\",\"type\":\"hermit\",\"email\":\"" + "a".repeat(20_000) + "@example.net\"}";
        ApiServer.Reply tooBig = api.post("/api/v1/clients", ops, big);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.code()).isEqualTo("payload_too_large");
        ApiServer.Reply form = new ApiServer.Reply(api.send("POST", "/api/v1/clients", ops, "application/x-www-form-urlencoded",
                "name=x1&type=hermit".getBytes(StandardCharsets.UTF_8)));
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.code()).isEqualTo("unsupported_media_type");
        ApiServer.Reply actionBody = api.post("/api/v1/clients/x1/suspend", ops, "{\"force\":true}");
        assertThat(actionBody.status()).isEqualTo(400);
        ApiServer.Reply badName = api.get("/api/v1/clients/a%3Bb", ops);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.code()).isEqualTo("invalid_input");
        ApiServer.Reply unknown = api.get("/api/v1/nothing", ops);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(api.database()).isEqualTo(before);
    }

    @Test
    void tokenCreatePrintsTheTokenOnItsLastLineAndStoresOnlyItsHash() {
        CliRunner.Run r = CliRunner.run("token", "create", "robot", "--home", home.toString());
        assertThat(r.code()).isZero();
        String[] lines = r.out().strip().split("\n");
        String token = lines[lines.length - 1];
        assertThat(token).startsWith("v6bo_").hasSizeGreaterThan(40);
        assertThat(api.database()).doesNotContain(token).contains(Secrets.hash(token));
        assertThat(CliRunner.run("token", "create", "robot", "--home", home.toString()).code()).isEqualTo(2);
        CliRunner.Run list = CliRunner.run("token", "list", "--home", home.toString());
        assertThat(list.out()).contains("robot").doesNotContain(token);
    }

    static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
            out.add(it.next().path("name").asText());
        }
        return out;
    }

    @Test
    void trailingContentAfterTheObjectAndAMediaTypeThatOnlyStartsLikeJsonAreRefused() {
        // regression: '{...} xyz' was accepted (201) and 'application/jsonfoo' passed as JSON
        String before = api.database();
        ApiServer.Reply trailing = api.post("/api/v1/clients", ops, "{\"name\":\"t1\",\"type\":\"hermit\"} xyz");
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(trailing.code()).isEqualTo("invalid_json");
        ApiServer.Reply second = api.post("/api/v1/clients", ops, "{\"name\":\"t1\",\"type\":\"hermit\"}{}");
        assertThat(second.status()).isEqualTo(400);
        for (String type : new String[] {"application/jsonfoo", "application/json-patch+json", "text/json"}) {
            ApiServer.Reply r = new ApiServer.Reply(api.send("POST", "/api/v1/clients", ops, type,
                    "{\"name\":\"t1\",\"type\":\"hermit\"}".getBytes(StandardCharsets.UTF_8)));
            assertThat(r.status()).as(type).isEqualTo(415);
        }
        assertThat(api.database()).isEqualTo(before);
        ApiServer.Reply withCharset = new ApiServer.Reply(api.send("POST", "/api/v1/clients", ops, "Application/JSON; charset=utf-8",
                "{\"name\":\"t1\",\"type\":\"hermit\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(withCharset.status()).isEqualTo(201);
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyGetsTheSameClient() {
        // regression: a create whose 201 was lost to a crash got 409 on its retry
        byte[] body = "{\"name\":\"retry\",\"type\":\"subnet\"}".getBytes(StandardCharsets.UTF_8);
        ApiServer.Reply first = new ApiServer.Reply(api.sendWith("POST", "/api/v1/clients", ops, body, "Idempotency-Key", "k-0123456789"));
        assertThat(first.status()).as(first.text()).isEqualTo(201);
        ApiServer.Reply again = new ApiServer.Reply(api.sendWith("POST", "/api/v1/clients", ops, body, "Idempotency-Key", "k-0123456789"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(api.get("/api/v1/clients", ops).json().path("total").asInt()).isEqualTo(1);
        // without the key a retry is a duplicate, with another key too; a key reused for another request is refused
        assertThat(add("retry", "subnet").status()).isEqualTo(409);
        ApiServer.Reply other = new ApiServer.Reply(api.sendWith("POST", "/api/v1/clients", ops,
                "{\"name\":\"else\",\"type\":\"hermit\"}".getBytes(StandardCharsets.UTF_8), "Idempotency-Key", "k-0123456789"));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().path("message").asText()).contains("was used for another request");
        ApiServer.Reply bad = new ApiServer.Reply(api.sendWith("POST", "/api/v1/clients", ops, body, "Idempotency-Key", "x y"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).contains("invalid Idempotency-Key");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413AndCountsAgainstTheAddress() throws Exception {
        api.close();
        api = new ApiServer(home, new Limits(16 * 1024, 1000, 3, Duration.ofHours(1), Duration.ofHours(1), 500));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        // ofInputStream has no length: the client sends it chunked; 1 MiB ends within what the server
        // drains (BoundedBody.DRAIN_BYTES), so the 413 reaches the client, not a reset
        java.net.http.HttpRequest chunked = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base + "/api/v1/subscriptions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
        java.net.http.HttpResponse<String> r = client.send(chunked, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(ApiServer.JSON.readTree(r.body()).path("code").asText()).isEqualTo("payload_too_large");
        // two invalid bodies more use up the address's three failures: then 429 before any work
        assertThat(api.post("/api/v1/subscriptions", null, "{bad").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/subscriptions", null, "[]").status()).isEqualTo(400);
        ApiServer.Reply limited = api.post("/api/v1/subscriptions", null,
                "{\"name\":\"ok\",\"email\":\"ok@example.net\",\"type\":\"hermit\",\"reason\":\"r\"}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("rate_limited");
        // an operator's own mistakes are not counted against an address, but the address is limited for everyone
        assertThat(api.get("/api/v1/health", null).status()).isEqualTo(200);
    }
}
