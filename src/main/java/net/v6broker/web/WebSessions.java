package net.v6broker.web;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.v6broker.api.HttpFailure;
import net.v6broker.api.Secrets;

/**
 * Web logins and CSRF tokens. A login is a random session id in an HttpOnly, SameSite=Strict
 * cookie, kept here by its hash only (so this map holds no usable secret) and forgotten on logout,
 * expiry or restart. Every form carries the CSRF token of the {@code v6b_csrf} cookie, compared in
 * constant time (double submit), and a cross-site {@code Origin} is refused. Thread-safe.
 */
final class WebSessions {
    static final String SESSION_COOKIE = "v6b_session";
    static final String CSRF_COOKIE = "v6b_csrf";
    private static final int MAX_SESSIONS = 10_000;

    /** Who a web session belongs to: an operator (by token name) or a subscriber (by request id). */
    record Session(String operator, Long requestId, Instant expires) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final Duration lifetime;

    WebSessions(SecureRandom random, Clock clock, Duration lifetime) {
        this.random = random;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    Optional<Session> current(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        if (id == null || !Secrets.plausible(id, Secrets.SESSION)) {
            return Optional.empty();
        }
        Session s = sessions.get(Secrets.hash(id));
        if (s == null || !s.expires().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Starts a session (replacing any current one) and a fresh CSRF token. */
    void start(Context ctx, String operator, Long requestId) {
        end(ctx);
        if (sessions.size() >= MAX_SESSIONS) {
            Instant now = clock.instant();
            sessions.values().removeIf(s -> !s.expires().isAfter(now));
        }
        String id = Secrets.generate(random, Secrets.SESSION);
        sessions.put(Secrets.hash(id), new Session(operator, requestId, clock.instant().plus(lifetime)));
        setCookie(ctx, SESSION_COOKIE, id);
        setCookie(ctx, CSRF_COOKIE, Secrets.generate(random, ""));
    }

    void end(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        if (id != null && Secrets.plausible(id, Secrets.SESSION)) {
            sessions.remove(Secrets.hash(id));
        }
    }

    /** The CSRF token for this browser, set as a cookie when it has none. */
    String csrf(Context ctx) {
        Object fresh = ctx.attribute(CSRF_COOKIE);
        if (fresh != null) {
            return fresh.toString();
        }
        String t = ctx.cookie(CSRF_COOKIE);
        if (t == null || !t.matches("[A-Za-z0-9_-]{20,100}")) {
            t = Secrets.generate(random, "");
            setCookie(ctx, CSRF_COOKIE, t);
        }
        return t;
    }

    /** Refuses a form post without the browser's CSRF token, or from another origin. */
    void check(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null") && !sameOrigin(origin, ctx.host())) {
            throw new HttpFailure(HttpFailure.Kind.CSRF, "cross-site form post refused");
        }
        String cookie = ctx.cookie(CSRF_COOKIE);
        String field = ctx.formParam("csrf");
        if (!Secrets.same(cookie, field)) {
            throw new HttpFailure(HttpFailure.Kind.CSRF, "the form's security token is missing or stale: reload the page and try again");
        }
    }

    private static boolean sameOrigin(String origin, String host) {
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    private static void setCookie(Context ctx, String name, String value) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict");
        if (name.equals(CSRF_COOKIE)) {
            ctx.attribute(CSRF_COOKIE, value);
        }
    }
}
