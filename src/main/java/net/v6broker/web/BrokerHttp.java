package net.v6broker.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import net.v6broker.api.ApiRoutes;
import net.v6broker.api.Auth;
import net.v6broker.api.Errors;
import net.v6broker.api.HttpFailure;
import net.v6broker.api.Json;
import net.v6broker.api.RateLimiter;
import net.v6broker.api.Services;
import net.v6broker.api.Subscriptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code v6broker serve}, wired on one screen: Javalin with the body limit and
 * security headers, the JSON API ({@link ApiRoutes}), the web UI ({@link WebRoutes}) and the one
 * failure mapping ({@link Errors}), answered as JSON under {@code /api/} and as a page elsewhere.
 * Requests are not logged (paths can hold a one-time link); failures are logged without secrets.
 * Thread-safe.
 */
public final class BrokerHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("v6broker.http");
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private final Javalin app;

    private BrokerHttp(Javalin app) {
        this.app = app;
    }

    /** Starts listening on {@code host:port} (port 0 picks a free one). */
    public static BrokerHttp start(String host, int port, Services services) {
        int maxBody = services.limits().maxBodyBytes();
        String css = resource("/web/app.css");
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxBody;
        });
        RateLimiter failures = new RateLimiter(services.limits().authFailuresPerMinute(), 60, services.clock());
        RateLimiter subscribe = new RateLimiter(services.limits().subscribePerHour(), 3600, services.clock());
        Auth auth = new Auth(services, failures);
        Subscriptions subscriptions = new Subscriptions(services);
        WebSessions sessions = new WebSessions(services.random(), services.clock(), services.limits().sessionLifetime());

        app.before(ctx -> {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cross-Origin-Opener-Policy", "same-origin");
            ctx.header("Cache-Control", "no-store");
            String length = ctx.header("Content-Length");
            if (length != null) {
                long n;
                try {
                    n = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Content-Length " + net.v6broker.config.Validation.quote(length) + " is not a number");
                }
                if (n > maxBody) {
                    throw new HttpFailure(HttpFailure.Kind.PAYLOAD_TOO_LARGE, "the body has " + n + " bytes: accepted at most " + maxBody);
                }
            }
        });
        app.get("/static/app.css", ctx -> {
            ctx.header("Cache-Control", "max-age=300");
            ctx.contentType("text/css; charset=utf-8").result(css);
        });
        new ApiRoutes(services, auth, subscriptions, subscribe).register(app);
        new WebRoutes(services, auth, subscriptions, subscribe, sessions).register(app);

        app.exception(HttpResponseException.class, (e, ctx) -> fail(ctx, e));
        app.exception(Exception.class, (e, ctx) -> fail(ctx, e));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                fail(ctx, new NotFoundResponse("no such page or endpoint: " + ctx.method() + " " + ctx.path()));
            }
        });
        app.error(405, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                fail(ctx, new HttpResponseException(405, "method " + ctx.method() + " is not allowed here"));
            }
        });
        app.start(host, port);
        return new BrokerHttp(app);
    }

    private static void fail(Context ctx, Exception e) {
        Errors.Mapped m = Errors.map(e);
        if (m.status() >= 500) {
            LOG.error("{} {} failed", ctx.method(), ctx.path().startsWith("/download/") ? "/download/…" : ctx.path(), e);
        }
        ctx.header("Cache-Control", "no-store");
        if (ctx.path().startsWith(ApiRoutes.PREFIX + "/") || ctx.path().equals(ApiRoutes.PREFIX)) {
            java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
            body.put("code", m.code());
            body.put("message", m.message());
            ctx.status(m.status()).contentType("application/json").result(Json.write(body));
            return;
        }
        if (m.status() == 401 && ctx.method().name().equals("GET")) {
            ctx.redirect(ctx.path().startsWith("/admin") ? "/login" : "/status");
            return;
        }
        String title = switch (m.status()) {
            case 400 -> "That did not work";
            case 401 -> "Please log in";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 410 -> "This link no longer works";
            case 413 -> "Too large";
            case 429 -> "Slow down";
            default -> "Something went wrong";
        };
        String body = "<section class=\"card narrow error-page\"><h1>" + Html.esc(title) + "</h1><p class=\"error\" data-code=\""
                + Html.esc(m.code()) + "\">" + Html.esc(m.message()) + "</p><p><a href=\"/\">Start page</a></p></section>";
        ctx.status(m.status()).contentType("text/html; charset=utf-8").result(Html.page(title, null, "", body));
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    static String resource(String path) {
        try (var in = BrokerHttp.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the build");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading resource " + path, e);
        }
    }
}
