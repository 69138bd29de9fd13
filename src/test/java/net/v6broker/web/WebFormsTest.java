package net.v6broker.web;

import net.v6broker.CliRunner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import net.v6broker.api.PlanUsage;
import net.v6broker.api.RegionUsage;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Web forms over plain HTTP: CSRF, bad input, authorisation and headers, each refused with nothing changed. */
class WebFormsTest {
    @TempDir
    Path dir;
    ApiServer server;
    String ops;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        Path home = ApiServer.init(dir);
        ops = ApiServer.operatorToken(home, "ops");
        server = new ApiServer(home, new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The session cookie the last {@link #csrf} call was given, as a {@code Cookie} header value. */
    private String cookie;

    /** GETs a page as a new browser would; returns its CSRF field and keeps its session cookie in {@link #cookie}. */
    private String csrf(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
        cookie = sessionCookie(r);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The {@code v6b_session=...} pair a response sets. */
    private static String sessionCookie(HttpResponse<String> r) {
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("v6b_session=")).findFirst().orElseThrow();
        assertThat(set).contains("HttpOnly", "SameSite=Strict", "Path=/");
        return set.split(";")[0];
    }

    /** A form post as a browser sends it from this site's page: with its Origin. */
    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        return post(path, cookie, form, server.base);
    }

    private HttpResponse<String> post(String path, String cookie, String form, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String csrf, String name, String email, String type, String reason) {
        return "csrf=" + enc(csrf) + "&name=" + enc(name) + "&email=" + enc(email) + "&type=" + enc(type) + "&os=linux&reason=" + enc(reason);
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    @Test
    void theSubscriptionFormNeedsItsCsrfTokenAndRefusesBadInputChangingNothing() throws Exception {
        String t = csrf("/subscribe");
        String before = server.database();
        assertThat(post("/subscribe", null, form(t, "ok", "a@example.net", "hermit", "r")).statusCode()).isEqualTo(403);
        assertThat(post("/subscribe", "v6b_session=v6bw_" + "x".repeat(43), form(t, "ok", "a@example.net", "hermit", "r"))
                .statusCode()).isEqualTo(403);
        String cookie = this.cookie;
        HttpRequest crossSite = HttpRequest.newBuilder(URI.create(server.base + "/subscribe"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString(form(t, "ok", "a@example.net", "hermit", "r"))).build();
        assertThat(http.send(crossSite, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        for (String[] bad : new String[][] {
            {"<script>x</script>", "a@example.net", "hermit", "r"}, {"a;rm -rf /", "a@example.net", "hermit", "r"},
            {"ok", "a@example.net\r\nBcc: b@example.net", "hermit", "r"}, {"ok", "a@example.net", "router", "r"},
            {"ok", "a@example.net", "hermit", ""}, {"ok", "a@example.net", "hermit", "r".repeat(1001)}}) {
            HttpResponse<String> r = post("/subscribe", cookie, form(t, bad[0], bad[1], bad[2], bad[3]));
            assertThat(r.statusCode()).as(String.join("|", bad)).isEqualTo(400);
            assertThat(r.body()).doesNotContain("<script>x</script>").contains("data-code=\"invalid_input\"");
        }
        HttpResponse<String> huge = post("/subscribe", cookie, form(t, "ok", "a@example.net", "hermit", "r".repeat(20_000)));
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(server.database()).isEqualTo(before);
        HttpResponse<String> ok = post("/subscribe", cookie, form(t, "ok", "a@example.net", "hermit", "<img src=x onerror=alert(1)>"));
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.body()).contains("v6bs_");
    }

    @Test
    void operatorPagesAndActionsNeedALogin() throws Exception {
        server.post("/api/v1/clients", ops, "{\"name\":\"mia\",\"type\":\"hermit\"}");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.base + "/admin")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        String t = csrf("/login");
        String anonymous = cookie;
        String before = server.database();
        HttpResponse<String> revoke = post("/admin/clients/mia/revoke", anonymous, "csrf=" + t);
        assertThat(revoke.statusCode()).isEqualTo(401);
        HttpResponse<String> badLogin = post("/login", anonymous, "csrf=" + t + "&token=v6bo_" + "q".repeat(43));
        assertThat(badLogin.statusCode()).isEqualTo(401);
        assertThat(server.database()).isEqualTo(before);
        HttpResponse<String> login = post("/login", anonymous, "csrf=" + t + "&token=" + enc(ops));
        assertThat(login.statusCode()).isEqualTo(302);
        String cookies = sessionCookie(login);
        assertThat(cookies).isNotEqualTo(anonymous); // a new session id at login
        String newCsrf = csrfOf(cookies, "/admin");
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + t).statusCode()).isEqualTo(403); // stale token
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + newCsrf).statusCode()).isEqualTo(302);
        assertThat(server.get("/api/v1/clients/mia", ops).json().path("status").asText()).isEqualTo("revoked");
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + newCsrf).statusCode()).isEqualTo(409);
    }

    /** The CSRF field of a page as the browser holding {@code cookie} sees it. */
    private String csrfOf(String cookie, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.base + path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Logs in as the operator; returns the session cookie. */
    private String login() throws Exception {
        String t = csrf("/login");
        HttpResponse<String> login = post("/login", cookie, "csrf=" + t + "&token=" + enc(ops));
        assertThat(login.statusCode()).isEqualTo(302);
        return sessionCookie(login);
    }

    @Test
    void aCsrfPairChosenByTheAttackerWithOriginNullIsRefused() throws Exception {
        // regression: the double-submit cookie let a cookie/field pair chosen by the attacker through,
        // with "Origin: null" (a sandboxed frame, a data: page); the token is now bound to the session
        server.post("/api/v1/clients", ops, "{\"name\":\"mia\",\"type\":\"hermit\"}");
        String session = login();
        String before = server.database();
        String chosen = "v6bw_" + "a".repeat(43);
        for (String origin : new String[] {"null", null, "http://evil.example", server.base}) {
            assertThat(post("/admin/clients/mia/suspend", session + "; v6b_csrf=" + chosen, "csrf=" + chosen, origin).statusCode())
                    .as("chosen pair, Origin " + origin).isEqualTo(403);
        }
        // the attacker's own valid pair does not pass for the operator's session either
        String attackers = csrf("/login");
        assertThat(post("/admin/clients/mia/suspend", session, "csrf=" + attackers).statusCode()).isEqualTo(403);
        String own = csrfOf(session, "/admin");
        assertThat(post("/admin/clients/mia/suspend", session, "csrf=" + own, "null").statusCode()).isEqualTo(403);
        assertThat(post("/admin/clients/mia/suspend", session, "csrf=" + own, null).statusCode()).isEqualTo(403);
        assertThat(server.database()).isEqualTo(before);
        assertThat(post("/admin/clients/mia/suspend", session, "csrf=" + own).statusCode()).isEqualTo(302);
    }

    @Test
    void revokingAnOperatorTokenEndsItsWebSessionsAtTheNextRequest() throws Exception {
        // regression: a session made with a token outlived the token's revocation for up to 8 hours
        server.post("/api/v1/clients", ops, "{\"name\":\"mia\",\"type\":\"hermit\"}");
        String session = login();
        String own = csrfOf(session, "/admin");
        assertThat(CliRunner.run("token", "revoke", "ops", "--home", server.home.toString()).code()).isZero();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.base + "/admin")).header("Cookie", session)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/login");
        String before = server.database();
        assertThat(post("/admin/clients/mia/suspend", session, "csrf=" + own).statusCode()).isEqualTo(401);
        assertThat(server.database()).isEqualTo(before);
    }

    @Test
    void behindATrustedHttpsProxyCookiesAreHostPrefixedAndSecureAndHstsIsSent() throws Exception {
        server.close();
        java.nio.file.Path home = server.home;
        String config = java.nio.file.Files.readString(home.resolve("config.json"));
        java.nio.file.Files.writeString(home.resolve("config.json"), config.replace("\"trustedProxies\" : [ ]",
                "\"trustedProxies\" : [ \"127.0.0.1\" ]"));
        server = new ApiServer(home, new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500));
        HttpResponse<String> viaProxy = http.send(HttpRequest.newBuilder(URI.create(server.base + "/login"))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-For", "203.0.113.7").build(), HttpResponse.BodyHandlers.ofString());
        String set = viaProxy.headers().allValues("Set-Cookie").stream().findFirst().orElseThrow();
        assertThat(set).startsWith("__Host-v6b_session=").contains("; Secure", "Path=/", "HttpOnly");
        assertThat(viaProxy.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(server.base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().allValues("Set-Cookie").get(0)).startsWith("v6b_session=").doesNotContain("Secure");
        assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aSlash32PlanIsDrawnRegionByRegionWithLargeBlocksAsBlocksAndGroupsThatOpen() {
        Path home32 = dir.resolve("h32");
        assertThat(CliRunner.run("init", "--home", home32.toString(), "--prefix", "2001:db8::/32", "--endpoint",
                "vpn.example.net").code()).isZero();
        for (String[] c : new String[][] {{"a", "64"}, {"b", "64"}, {"c", "64"}, {"d", "56"}, {"e", "48"}, {"f", "48"}}) {
            assertThat(CliRunner.run("client", "add", c[0], "--type", "subnet", "--size", c[1], "--home", home32.toString()).code())
                    .isZero();
        }
        assertThat(CliRunner.run("client", "delete", "f", "--home", home32.toString()).code()).isZero(); // quarantined
        try (Store store = Store.openSqlite(home32.resolve("broker.db"))) {
            AddressPlan plan = store.read(tx -> AddressPlan.parse("2001:db8::/32").withRegions(tx.regions()));
            Instant now = Instant.now();
            // the /64 region, 2^31 - 1 blocks: 4,096 squares of 2^19 /64s (a /45 each); the first holds a, b and c
            RegionUsage r64 = RegionUsage.of(plan, 64, null, null, store, now);
            assertThat(r64.squares()).hasSize(4096);
            assertThat(r64.span()).isEqualTo(1L << 19);
            assertThat(r64.squares().get(0).used()).isEqualTo(3);
            assertThat(r64.prefix(r64.squares().get(0))).hasToString("2001:db8::/45");
            // its first square opened: 524,287 blocks in 4,096 squares of 128 /64s; opened again, one square a /64
            RegionUsage window = RegionUsage.of(plan, 64, 1L, (1L << 19) - 1, store, now);
            assertThat(window.span()).isEqualTo(128);
            RegionUsage single = RegionUsage.of(plan, 64, 1L, 127L, store, now);
            assertThat(single.span()).isEqualTo(1);
            assertThat(single.squares()).hasSize(127);
            assertThat(single.holders()).containsEntry(1L, "a").containsEntry(3L, "c");
            // a /48 is one block of the /48 region: 16,383 of them, in squares of four
            RegionUsage r48 = RegionUsage.of(plan, 48, null, null, store, now);
            assertThat(r48.span()).isEqualTo(4);
            assertThat(r48.squares()).hasSize(4096);
            assertThat(r48.squares().get(0).used()).isEqualTo(1);
            assertThat(r48.squares().get(0).quarantined()).isEqualTo(1);
            assertThat(r48.squares().get(4095).blocks()).isEqualTo(3); // the hermit /64's /48 is left out
            RegionUsage r48Opened = RegionUsage.of(plan, 48, 49152L, 49155L, store, now);
            assertThat(r48Opened.holders()).containsEntry(49152L, "e");

            String html = Pages.render("plan.jte", PlanPage.of(new Pages.Frame("Address plan", "op", "x"),
                    PlanUsage.of(plan, store, now), r48));
            assertThat(html).contains("2001:db8:c000::/46: 1 of 4 /48s in use, 1 quarantined",
                    "href=\"/admin/plan?region=48&amp;from=49152&amp;to=49155\"", "2001:db8:c000::/48 .. 2001:db8:fffe::/48");
            assertThat(html.split("class=\"cell ").length - 1).isEqualTo(4096);
            // the strip holds the transfer /64, the three regions, the rest of the last /48 and the hermit /64,
            // each a few pixels at least
            assertThat(html.split("class=\"part ").length - 1).isEqualTo(6);
            assertThat(html).contains("2001:db8:ffff::/64 .. 2001:db8:ffff:fffe::/64 (65,535 /64s)");
            String opened = Pages.render("plan.jte", PlanPage.of(new Pages.Frame("Address plan", "op", "x"),
                    PlanUsage.of(plan, store, now), r48Opened));
            assertThat(opened).contains("2001:db8:c000::/48: e", "2001:db8:c001::/48: quarantined", "Whole region");

            assertThatThrownBy(() -> RegionUsage.of(plan, 60, null, null, store, now))
                    .hasMessageContaining("offers subnets of /64, /56, /48, not /60");
            assertThatThrownBy(() -> RegionUsage.of(plan, 48, 1L, 2L, store, now))
                    .hasMessageContaining("accepted block numbers from 49152 to 65534");
        }
    }
}
