package net.v6broker.web;

import net.v6broker.error.BrokerException;

import io.javalin.Javalin;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import io.javalin.config.RoutesConfig;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import net.v6broker.api.ApiRoutes;
import net.v6broker.api.Auth;
import net.v6broker.api.Errors;
import net.v6broker.api.Json;
import net.v6broker.api.RateLimiter;
import net.v6broker.api.Services;
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

    /** How long a request body may take to arrive; a read waits at most {@link #IDLE_TIMEOUT}. */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(10);
    /** Web logins per client address per minute (each stores a session). */
    static final int LOGINS_PER_MINUTE = 10;
    /** Open connections at most (each slow one holds a thread for up to the body deadline). */
    static final int MAX_CONNECTIONS = 1024;
    /** A connection that sends nothing for this long is closed (Jetty's default is 30 s). */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Request line and headers together (Jetty's default, stated): beyond it, 414 or 431 as JSON. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

    /** Starts listening on {@code host:port} (port 0 picks a free one). */
    public static BrokerHttp start(String host, int port, Services services) {
        int maxBody = services.limits().maxBodyBytes();
        RateLimiter failures = new RateLimiter(services.limits().authFailuresPerMinute(), 60, services.clock());
        String css = resource("/web/app.css");
        ProxyTrust proxies = new ProxyTrust(services.http().trustedProxies());
        RateLimiter subscribe = new RateLimiter(services.limits().subscribePerHour(), 3600, services.clock());
        Auth auth = new Auth(services, failures);
        WebSessions sessions = new WebSessions(services.random(), services.clock(), services.limits().sessionLifetime(),
                tokenId -> services.store().read(tx -> tx.access().tokenLive(tokenId)));
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = maxBody;
            config.contextResolver.ip = ctx -> proxies.ip(ctx.req());
            config.contextResolver.scheme = ctx -> proxies.scheme(ctx.req());
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setSendServerVersion(false);
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
                c.setHost(host);
                c.setPort(port);
                c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                return c;
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
            });
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(new BoundedBody(maxBody,
                    BODY_DEADLINE, req -> exempt(req.getRequestURI()) || failures.allowed(RateLimiter.addressKey(proxies.ip(req))))),
                    "/*", EnumSet.of(DispatcherType.REQUEST)));
            RoutesConfig routes = config.routes;
            routes.before(ctx -> before(ctx, auth, maxBody));
            routes.get("/favicon.ico", ctx -> ctx.status(204)); // browsers ask on every page; there is none
            // Prometheus scrapes with an operator token (authorization: credentials_file in its scrape config)
            routes.get("/metrics", ctx -> {
                auth.operator(ctx);
                ctx.contentType(services.metrics().contentType()).result(services.metrics().scrape());
            });
            routes.after(ctx -> {
                io.javalin.router.Endpoint e = ctx.endpoints().lastHttpEndpoint();
                services.metrics().httpRequest(e == null ? "unmatched" : e.path, ctx.statusCode());
            });
            routes.get("/static/app.css", ctx -> {
                ctx.header("Cache-Control", "max-age=300");
                ctx.contentType("text/css; charset=utf-8").result(css);
            });
            new ApiRoutes(services, auth, subscribe).register(routes);
            new WebRoutes(services, auth, subscribe, new RateLimiter(LOGINS_PER_MINUTE, 60, services.clock()), sessions)
                    .register(routes);
            routes.exception(Exception.class, (e, ctx) -> fail(ctx, e, failures));
            // Javalin's own 404 and 405 (no such route), answered as every failure is; a 404 of ours was answered already
            routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) {
                    fail(ctx, new NotFoundResponse("no such page or endpoint: " + ctx.method() + " " + ctx.path()), failures);
                }
            });
            routes.error(405, ctx -> {
                if (ctx.attribute(ANSWERED) == null) {
                    fail(ctx, new HttpResponseException(405, "method " + ctx.method() + " is not allowed here"), failures);
                }
            });
        });
        app.start();
        return new BrokerHttp(app);
    }

    /** Every request first: the security headers, the address's limit, and what the body filter found. */
    private static void before(Context ctx, Auth auth, int maxBody) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with every form
        // post, which the CSRF check refuses; a Referer (which may hold a download link) still
        // never leaves for another site
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        if (ctx.scheme().equals("https")) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
        if (!exempt(ctx.path())) {
            auth.guard(ctx); // an address that used up its failures is refused before any work
        }
        Object body = ctx.attribute(BoundedBody.OUTCOME);
        if (body == BoundedBody.Outcome.ADDRESS_LIMITED) {
            ctx.header("Connection", "close");
            auth.guard(ctx); // refused (429) as every request of the address is
        } else if (body == BoundedBody.Outcome.NOT_ACCEPTED) {
            ctx.header("Connection", "close");
            throw new BrokerException(BrokerException.Kind.UNSUPPORTED_MEDIA_TYPE, "no endpoint takes a multipart body: send "
                    + "application/json (API) or application/x-www-form-urlencoded (forms)");
        } else if (body == BoundedBody.Outcome.TOO_LARGE) {
            ctx.header("Connection", "close"); // the rest of the body is not read
            throw new BrokerException(BrokerException.Kind.TOO_LARGE, "the body is larger than " + maxBody
                    + " bytes: accepted at most " + maxBody);
        } else if (body == BoundedBody.Outcome.TOO_SLOW) {
            ctx.header("Connection", "close");
            throw new BrokerException(BrokerException.Kind.TIMEOUT, "the body did not arrive within "
                    + BODY_DEADLINE.toSeconds() + " s");
        }
    }

    /** Paths that are never rate-limited: the style sheet, the favicon and the health check of monitoring. */
    private static boolean exempt(String path) {
        return path.equals("/static/app.css") || path.equals("/favicon.ico") || path.equals(ApiRoutes.PREFIX + "/health");
    }

    /**
     * Answers a failure. A failure of a request that no operator token vouched for counts against
     * the client address when it is one an abuser makes: a bad body or value (400), a wrong token
     * (401, 403), a slow or oversized body (408, 413), a spent or unknown link (410), a wrong media
     * type (415). A burst of them from one address is then refused with 429 before any work. Not
     * counted: 404 and 405 (a browser's favicon, a stale bookmark), 409 (a name taken meanwhile) and
     * the CSRF check's 403, which a hostile page can make a victim's browser trigger at will.
     */
    private static void fail(Context ctx, Exception e, RateLimiter failures) {
        Errors.Mapped m = Errors.map(e);
        if (COUNTED.contains(m.status()) && !m.code().equals("csrf") && ctx.attribute(Auth.AUTHENTICATED) == null
                && !exempt(ctx.path())) {
            failures.tryAcquire(Auth.client(ctx));
        }
        fail(ctx, m, e);
    }

    /** The statuses counted against an unauthenticated address (see {@link #fail(Context, Exception, RateLimiter)}). */
    private static final java.util.Set<Integer> COUNTED = java.util.Set.of(400, 401, 403, 408, 410, 413, 415);

    /** The request attribute set once {@link #fail} answered the request. */
    private static final String ANSWERED = "v6broker.answered";

    private static void fail(Context ctx, Errors.Mapped m, Exception e) {
        ctx.attribute(ANSWERED, m.code());
        if (m.status() >= 500) {
            LOG.error("{} {} failed", ctx.method(), ctx.path().startsWith("/download/") ? "/download/…" : ctx.path(), e);
        }
        ctx.header("Cache-Control", "no-store");
        if (ctx.path().startsWith(ApiRoutes.PREFIX + "/") || ctx.path().equals(ApiRoutes.PREFIX) || ctx.path().equals("/metrics")) {
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
            case 408 -> "Too slow";
            case 413 -> "Too large";
            case 429 -> "Slow down";
            default -> "Something went wrong";
        };
        ctx.status(m.status()).contentType("text/html; charset=utf-8")
                .result(Pages.render("error.jte", new Pages.ErrorPage(new Pages.Frame(title, null, ""), m.code(), m.message())));
    }

    /** Every route this server answers, as {@code METHOD /path} (for the test that compares them with the OpenAPI document). */
    java.util.List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
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
