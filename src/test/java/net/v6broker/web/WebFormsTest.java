package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** GETs a page and returns its CSRF cookie and field (they are equal). */
    private String csrf(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            b.header("Cookie", cookie);
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
        assertThat(post("/subscribe", "v6b_csrf=" + "x".repeat(43), form(t, "ok", "a@example.net", "hermit", "r")).statusCode()).isEqualTo(403);
        String cookie = "v6b_csrf=" + t;
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
        String before = server.database();
        HttpResponse<String> revoke = post("/admin/clients/mia/revoke", "v6b_csrf=" + t, "csrf=" + t);
        assertThat(revoke.statusCode()).isEqualTo(401);
        HttpResponse<String> badLogin = post("/login", "v6b_csrf=" + t, "csrf=" + t + "&token=v6bo_" + "q".repeat(43));
        assertThat(badLogin.statusCode()).isEqualTo(401);
        assertThat(server.database()).isEqualTo(before);
        HttpResponse<String> login = post("/login", "v6b_csrf=" + t, "csrf=" + t + "&token=" + enc(ops));
        assertThat(login.statusCode()).isEqualTo(302);
        String session = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("v6b_session="))
                .findFirst().orElseThrow();
        assertThat(session).contains("HttpOnly", "SameSite=Strict");
        String newCsrf = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("v6b_csrf="))
                .findFirst().orElseThrow().split(";")[0].substring("v6b_csrf=".length());
        String cookies = session.split(";")[0] + "; v6b_csrf=" + newCsrf;
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + t).statusCode()).isEqualTo(403); // stale token
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + newCsrf).statusCode()).isEqualTo(302);
        assertThat(server.get("/api/v1/clients/mia", ops).json().path("status").asText()).isEqualTo("revoked");
        assertThat(post("/admin/clients/mia/revoke", cookies, "csrf=" + newCsrf).statusCode()).isEqualTo(409);
    }

    @Test
    void aSlash48PlanIsDrawnAs4096CellsEachWithItsFillRatio() {
        Path home48 = dir.resolve("h48");
        assertThat(ApiServer.cli("init", "--home", home48.toString(), "--prefix", "2001:db8:abba::/48", "--endpoint",
                "vpn.example.net").code()).isZero();
        for (int i = 0; i < 20; i++) {
            ApiServer.cli("client", "add", "n" + i, "--type", "subnet", "--home", home48.toString());
        }
        try (Store store = Store.openSqlite(home48.resolve("broker.db"))) {
            PlanUsage u = PlanUsage.of(AddressPlan.parse("2001:db8:abba::/48"), store, Instant.now());
            assertThat(u.cells()).hasSize(4096);
            assertThat(u.span()).isEqualTo(16);
            assertThat(u.cells().get(0).kind()).isEqualTo(PlanUsage.Kind.TRANSFER);
            // subnet indices 1..20: 1..15 share the first block with the transfer /64, 16..20 fill 5 of the second
            assertThat(u.cells().get(0).used()).isEqualTo(15);
            assertThat(u.cells().get(1).used()).isEqualTo(5);
            assertThat(u.cells().get(1).fill()).isEqualTo(5 / 16.0);
            assertThat(u.cells().get(2).kind()).isEqualTo(PlanUsage.Kind.FREE);
            assertThat(u.cells().get(4095).kind()).isEqualTo(PlanUsage.Kind.HERMIT);
            assertThat(u.blockPrefix(u.cells().get(1))).isEqualTo("2001:db8:abba:10::/60");
            String svg = PlanSvg.render(u, java.util.Map.of());
            assertThat(svg).contains("2001:db8:abba:10::/60: 5 of 16 /64s in use");
            assertThat(svg.split("<rect").length - 1).isEqualTo(4096);
        }
    }
}
