package net.v6broker.api;

import net.v6broker.CliRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.home.HomeCa;
import net.v6broker.home.HomeSetup;
import net.v6broker.store.Store;
import net.v6broker.web.HttpServices;
import net.v6broker.web.BrokerHttp;

/** A real broker home made with the CLI and a real HTTP server on a free port, for tests. */
public final class ApiServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final Path home;
    public final BrokerHttp http;
    public final Services services;
    public final String base;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public ApiServer(Path home, Limits limits) {
        this.home = home;
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();
        Home h = new Home(home);
        BrokerConfig config = h.loadConfig();
        Store store = HomeSetup.openDatabase(h, config, clock);
        java.util.concurrent.atomic.AtomicReference<CertificateAuthority> ca = new java.util.concurrent.atomic.AtomicReference<>();
        this.services = HttpServices.of(h, config, store, HomeSetup.broker(h, config, () -> store,
                () -> ca.updateAndGet(c -> c != null ? c : HomeCa.load(h, clock, random)), clock), clock, random, limits,
                () -> Map.of("node", "test", "layout", "shared"), "test",
                () -> new BrokerMetrics.DaemonFacts(java.util.List.of(new BrokerMetrics.Openvpn("server", true, 0)), 0));
        this.http = BrokerHttp.start("127.0.0.1", 0, services);
        this.base = "http://127.0.0.1:" + http.port();
    }

    /** A home made by the real command line, at DIR/home. */
    public static Path init(Path dir) {
        return CliRunner.init(dir.resolve("home"), "vpn.example.net");
    }

    /** {@code v6broker token create NAME}: the token is the last line. */
    public static String operatorToken(Path home, String name) {
        String[] lines = CliRunner.ok("token", "create", name, "--home", home.toString()).strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** A request; {@code headers} are further name/value pairs. */
    public HttpResponse<byte[]> send(String method, String path, String token, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON request with one extra header. */
    public HttpResponse<byte[]> sendWith(String method, String path, String token, byte[] body, String header, String value) {
        return send(method, path, token, "application/json", body, header, value);
    }

    public Reply get(String path, String token) {
        return new Reply(send("GET", path, token, null, null));
    }

    public Reply post(String path, String token, String json) {
        return new Reply(send("POST", path, token, json == null ? null : "application/json",
                json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public Reply delete(String path, String token) {
        return new Reply(send("DELETE", path, token, null, null));
    }

    /** A response with its body parsed when it is JSON. */
    public record Reply(HttpResponse<byte[]> response) {
        public int status() {
            return response.statusCode();
        }

        public String text() {
            return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status() + "): " + text(), e);
            }
        }

        public String code() {
            return json().path("code").asText();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    /** Every row of every table: equal before and after means nothing changed. */
    public String database() {
        return net.v6broker.HomeSnapshot.database(home.resolve("broker.db"), "api_tokens.last_used_at");
    }

    // ---- the web pages, as a browser uses them (without one)

    /** Logs in on the web UI with an operator token; the session's {@code v6b_session=...} cookie. */
    public String login(String token) {
        HttpResponse<String> page = web(HttpRequest.newBuilder(URI.create(base + "/login")));
        HttpResponse<String> login = form("/login", sessionCookie(page), "csrf=" + csrf(page.body()) + "&token="
                + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
        if (login.statusCode() != 302) {
            throw new AssertionError("web login answered " + login.statusCode() + ": " + login.body());
        }
        return sessionCookie(login);
    }

    /** A page as the browser holding {@code session} sees it; fails unless it is 200. */
    public String page(String session, String path) {
        HttpResponse<String> r = web(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", session));
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** A form post from this site's page (with its Origin). */
    public HttpResponse<String> form(String path, String session, String form) {
        return web(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", session).header("Origin", base).POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** The CSRF field of a page. */
    public static String csrf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page");
        }
        return m.group(1);
    }

    private static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("v6b_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie set")).split(";")[0];
    }

    private HttpResponse<String> web(HttpRequest.Builder b) {
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
        services.store().close();
    }
}
