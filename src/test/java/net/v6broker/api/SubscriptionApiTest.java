package net.v6broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The subscription workflow over the API: request, approval, one-time link, tunnel info, and who may see what. */
class SubscriptionApiTest extends WithApiServer {
    private JsonNode subscribe(String name, String type) {
        ApiServer.Reply r = api.post("/api/v1/subscriptions", null, "{\"name\":\"" + name + "\",\"email\":\"" + name
                + "@example.net\",\"type\":\"" + type + "\",\"os\":\"linux\",\"reason\":\"home lab\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    @Test
    void anApprovedSubscriberGetsTunnelInfoAndASingleUseDownloadLink() {
        JsonNode sub = subscribe("frank", "subnet");
        String token = sub.path("token").asText();
        assertThat(token).startsWith("v6bs_");
        assertThat(api.database()).doesNotContain(token);
        JsonNode me = api.get("/api/v1/me", token).json();
        assertThat(me.path("request").path("status").asText()).isEqualTo("pending");
        assertThat(me.path("tunnel").isNull()).isTrue();
        assertThat(api.post("/api/v1/me/download-link", token, null).status()).isEqualTo(403);

        JsonNode pending = api.get("/api/v1/subscriptions?status=pending", ops).json();
        assertThat(pending.path("total").asInt()).isEqualTo(1);
        long id = pending.path("items").get(0).path("id").asLong();
        assertThat(api.get("/api/v1/subscriptions/" + id, ops).json().path("reason").asText()).isEqualTo("home lab");
        ApiServer.Reply approved = api.post("/api/v1/subscriptions/" + id + "/approve", ops, null);
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        assertThat(approved.json().path("status").asText()).isEqualTo("approved");
        assertThat(approved.json().path("decidedBy").asText()).isEqualTo("ops");
        assertThat(approved.json().path("clientDetail").path("prefix").asText()).isEqualTo("2001:db8:abba:f101::/64");
        assertThat(api.get("/api/v1/clients/frank", ops).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/subscriptions/" + id + "/approve", ops, null).code()).isEqualTo("conflict");

        JsonNode tunnel = api.get("/api/v1/me", token).json().path("tunnel");
        assertThat(tunnel.path("prefix").asText()).isEqualTo("2001:db8:abba:f101::/64");
        assertThat(tunnel.path("transferClient").asText()).isEqualTo("2001:db8:abba:f100::f101:2/112");
        assertThat(tunnel.path("endpoint").asText()).isEqualTo("vpn.example.net:1194");
        assertThat(tunnel.path("connected").asBoolean()).isFalse();
        assertThat(tunnel.path("bytesIn").asLong()).isZero();

        ApiServer.Reply link = api.post("/api/v1/me/download-link", token, null);
        assertThat(link.status()).isEqualTo(201);
        String url = link.json().path("url").asText();
        assertThat(url).startsWith("/download/v6bd_");
        assertThat(api.post("/api/v1/me/download-link", token, null).code()).isEqualTo("conflict");
        String secret = url.substring("/download/".length());
        assertThat(api.database()).doesNotContain(secret);
        ApiServer.Reply file = api.post("/api/v1/downloads/" + secret + "?format=ovpn", null, null);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.text()).contains("BEGIN CERTIFICATE", "remote vpn.example.net");
        ApiServer.Reply again = api.post("/api/v1/downloads/" + secret + "?format=ovpn", null, null);
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.code()).isEqualTo("link_gone");
        assertThat(api.get("/api/v1/me", token).json().path("downloadLink").path("used").asBoolean()).isTrue();
        // a used link lets the subscriber ask for a new one
        assertThat(api.post("/api/v1/me/download-link", token, null).status()).isEqualTo(201);
    }

    @Test
    void aSubscriberTokenSeesOnlyItsOwnRequestAndNoOperatorEndpoint() {
        String a = subscribe("gina", "hermit").path("token").asText();
        String b = subscribe("hank", "hermit").path("token").asText();
        assertThat(api.get("/api/v1/me", a).json().path("request").path("name").asText()).isEqualTo("gina");
        assertThat(api.get("/api/v1/me", b).json().path("request").path("name").asText()).isEqualTo("hank");
        for (String path : new String[] {"/api/v1/clients", "/api/v1/subscriptions", "/api/v1/subscriptions/2",
            "/api/v1/clients/hank", "/api/v1/plan", "/api/v1/sessions"}) {
            ApiServer.Reply r = api.get(path, a);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.code()).isEqualTo("forbidden");
        }
        assertThat(api.post("/api/v1/subscriptions/2/approve", a, null).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", ops).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", "v6bs_" + "y".repeat(43)).status()).isEqualTo(401);
    }

    @Test
    void aSubscriberIsToldToDownloadTheNewProfileOnceTheCertificateIsRenewed() {
        String token = approvedToken("olga");
        String url = api.post("/api/v1/me/download-link", token, null).json().path("url").asText();
        assertThat(api.post("/api/v1/downloads/" + url.substring("/download/".length()), null, null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", token).json().path("tunnel").path("certificateNotice").isNull()).isTrue();
        assertThat(api.post("/api/v1/clients/olga/renew", ops, null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", token).json().path("tunnel").path("certificateNotice").asText())
                .startsWith("Your certificate was renewed on").contains("download your new profile");
    }

    @Test
    void aSubscriberSeesACertificateThatEndsWithinThirtyDays() throws Exception {
        api.close();
        java.nio.file.Path config = home.resolve("config.json");
        java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config)
                .replaceFirst("\"certificateDays\" : [0-9]+", "\"certificateDays\" : 20")
                .replaceFirst("\"serverRenewDays\" : [0-9]+", "\"serverRenewDays\" : 5"));
        api = new ApiServer(home, new Limits(16 * 1024, 1000, 1000, Duration.ofHours(1), Duration.ofHours(1), 500));
        String token = approvedToken("pia");
        assertThat(api.get("/api/v1/me", token).json().path("tunnel").path("certificateNotice").asText())
                .startsWith("Your certificate ends on").contains("in 19 days", "ask the operator to renew it");
    }

    @Test
    void aRevokedClientsTokenCannotDownloadAndItsOpenLinkStopsWorking() {
        String token = subscribe("ivan", "hermit").path("token").asText();
        api.post("/api/v1/subscriptions/1/approve", ops, null);
        String url = api.post("/api/v1/me/download-link", token, null).json().path("url").asText();
        api.post("/api/v1/clients/ivan/revoke", ops, null);
        ApiServer.Reply file = api.post("/api/v1/downloads/" + url.substring("/download/".length()), null, null);
        assertThat(file.status()).isEqualTo(409);
        assertThat(file.code()).isEqualTo("export_refused");
        assertThat(api.get("/api/v1/me", token).json().path("tunnel").path("status").asText()).isEqualTo("revoked");
        // the open link was not spent, but no new link is given out
        api.delete("/api/v1/clients/ivan", ops);
        ApiServer.Reply link = api.post("/api/v1/me/download-link", token, null);
        assertThat(link.status()).isEqualTo(403);
        assertThat(link.code()).isEqualTo("forbidden");
    }

    @Test
    void rejectingAndConflictsLeaveTheBrokerUnchanged() {
        subscribe("judy", "subnet");
        ApiServer.Reply dup = api.post("/api/v1/subscriptions", null,
                "{\"name\":\"JUDY\",\"email\":\"j@example.net\",\"type\":\"subnet\",\"reason\":\"again\"}");
        assertThat(dup.status()).isEqualTo(409);
        ApiServer.Reply rejected = api.post("/api/v1/subscriptions/1/reject", ops, null);
        assertThat(rejected.json().path("status").asText()).isEqualTo("rejected");
        assertThat(api.post("/api/v1/subscriptions/1/approve", ops, null).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/clients", ops).json().path("total").asInt()).isZero();
        assertThat(api.get("/api/v1/subscriptions/99", ops).code()).isEqualTo("not_found");
        assertThat(api.get("/api/v1/subscriptions/abc", ops).code()).isEqualTo("invalid_input");
        // a name already held by a client cannot be asked for
        api.post("/api/v1/clients", ops, "{\"name\":\"kate\",\"type\":\"hermit\"}");
        assertThat(api.post("/api/v1/subscriptions", null,
                "{\"name\":\"kate\",\"email\":\"k@example.net\",\"type\":\"hermit\",\"reason\":\"x\"}").status()).isEqualTo(409);
    }

    @Test
    void badSubscriptionsAreRefusedWith400AndStoreNothing() {
        String before = api.database();
        String[] bodies = {
            "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":\"hermit\",\"reason\":\"r\",\"approved\":true}",
            "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":\"hermit\"}",
            "{\"name\":\"x\",\"type\":\"hermit\",\"reason\":\"r\"}",
            "{\"name\":\"x\",\"email\":\"not-an-address\",\"type\":\"hermit\",\"reason\":\"r\"}",
            "{\"name\":\"x y\",\"email\":\"x@example.net\",\"type\":\"hermit\",\"reason\":\"r\"}",
            "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":\"hermit\",\"reason\":\"a\\u0000b\"}",
            "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":\"hermit\",\"reason\":\"" + "r".repeat(1001) + "\"}",
            "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":true,\"reason\":\"r\"}"};
        for (String body : bodies) {
            ApiServer.Reply r = api.post("/api/v1/subscriptions", null, body);
            assertThat(r.status()).as(body).isEqualTo(400);
        }
        assertThat(api.database()).isEqualTo(before);
    }

    @Test
    void thePublicFormAndTokenChecksAreRateLimited() {
        api.close();
        api = new ApiServer(home, new Limits(16 * 1024, 2, 3, Duration.ofHours(1), Duration.ofHours(1), 500));
        subscribe("l1", "hermit");
        subscribe("l2", "hermit");
        ApiServer.Reply third = api.post("/api/v1/subscriptions", null,
                "{\"name\":\"l3\",\"email\":\"l3@example.net\",\"type\":\"hermit\",\"reason\":\"r\"}");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.code()).isEqualTo("rate_limited");
        String wrong = "v6bo_" + "z".repeat(43);
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/api/v1/clients", wrong).status()).isEqualTo(401);
        }
        assertThat(api.get("/api/v1/clients", wrong).status()).isEqualTo(429);
        // once exhausted even a right token waits: the check itself is limited
        assertThat(api.get("/api/v1/clients", ops).status()).isEqualTo(429);
    }

    private String approvedToken(String name) {
        String token = subscribe(name, "hermit").path("token").asText();
        long id = api.get("/api/v1/subscriptions?status=pending", ops).json().path("items").get(0).path("id").asLong();
        assertThat(api.post("/api/v1/subscriptions/" + id + "/approve", ops, null).status()).isEqualTo(200);
        return token;
    }

    @Test
    void aSubscriberTakesAtMostFiveDownloadLinksADay() {
        // regression: a subscriber could mint download links (each a copy of their private key) without limit
        String token = approvedToken("mona");
        for (int i = 0; i < 5; i++) {
            String url = api.post("/api/v1/me/download-link", token, null).json().path("url").asText();
            assertThat(api.post("/api/v1/downloads/" + url.substring("/download/".length()), null, null).status()).isEqualTo(200);
        }
        ApiServer.Reply sixth = api.post("/api/v1/me/download-link", token, null);
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.json().path("message").asText()).contains("at most 5 download links per day");
    }

    @Test
    void aSuspendedClientCannotTakeOrUseADownloadLink() {
        // regression: a suspended client could still download its profile
        String token = approvedToken("nina");
        String url = api.post("/api/v1/me/download-link", token, null).json().path("url").asText();
        api.post("/api/v1/clients/nina/suspend", ops, null);
        ApiServer.Reply use = api.post("/api/v1/downloads/" + url.substring("/download/".length()), null, null);
        assertThat(use.status()).isEqualTo(403);
        assertThat(use.json().path("message").asText()).contains("is suspended", "until an operator resumes it");
        assertThat(api.post("/api/v1/me/download-link", token, null).status()).isEqualTo(403);
        api.post("/api/v1/clients/nina/resume", ops, null);
        assertThat(api.post("/api/v1/downloads/" + url.substring("/download/".length()), null, null).status())
                .as("the link was not spent by the refusal").isEqualTo(200);
    }

    @Test
    void invisibleControlCharactersInTheReasonAreRefused() {
        // regression: U+202E RIGHT-TO-LEFT OVERRIDE and friends were stored and shown as typed
        String before = api.database();
        for (String hidden : new String[] {"\\u202e", "\\u200b", "\\u2066", "\\ufeff", "\\u2028", "\\u0007"}) {
            ApiServer.Reply r = api.post("/api/v1/subscriptions", null, "{\"name\":\"x\",\"email\":\"x@example.net\","
                    + "\"type\":\"hermit\",\"reason\":\"home " + hidden + "lab\"}");
            assertThat(r.status()).as(hidden).isEqualTo(400);
            assertThat(r.json().path("message").asText()).contains("invisible or control character U+");
        }
        assertThat(api.database()).isEqualTo(before);
        assertThat(api.post("/api/v1/subscriptions", null, "{\"name\":\"x\",\"email\":\"x@example.net\",\"type\":\"hermit\","
                + "\"reason\":\"Straße, 東京, line\\nbreak\"}").status()).isEqualTo(201);
    }
}
