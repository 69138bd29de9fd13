package net.v6broker.web;

import net.v6broker.error.BrokerException;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.v6broker.broker.Secrets;

/**
 * Web logins and CSRF tokens.
 *
 * <p>Every browser carries one session cookie: a random id, HttpOnly, SameSite=Strict, and over
 * HTTPS {@code Secure} with the {@code __Host-} prefix (so no other host or path can set it). A
 * logged-in session is kept here by the hash of its id (so this map holds no usable secret) and is
 * forgotten on logout, expiry or restart; an anonymous id is kept nowhere. A new id is issued at
 * login, so an id planted before it is worth nothing after.
 *
 * <p>The CSRF token of a form is an HMAC, under a key made at start, of the browser's session id:
 * it is bound to that one session, so a cookie/field pair an attacker chose for their own session
 * does not pass for the victim's. Every state-changing post must also carry an {@code Origin} of
 * this very host: a missing or {@code null} Origin is refused (browsers send one with every POST).
 *
 * <p>A logged-in operator's session is checked against its API token on every request: revoking the
 * token ends the session at the next click. Thread-safe.
 */
final class WebSessions {
    static final String SESSION_COOKIE = "v6b_session";
    /** The cookie's name over HTTPS: the browser then accepts it only from this host, Secure, Path=/. */
    static final String SECURE_SESSION_COOKIE = "__Host-" + SESSION_COOKIE;
    private static final int MAX_SESSIONS = 10_000;
    private static final String ISSUED = "v6b.session.issued";

    /** Who a web session belongs to: an operator (by token name and id) or a subscriber (by request id). */
    record Session(String operator, Long tokenId, Long requestId, Instant expires) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final Duration lifetime;
    private final LongPredicate tokenLive;
    private final SecretKeySpec csrfKey;

    /** @param tokenLive whether the operator token of this id is still live (not revoked) */
    WebSessions(SecureRandom random, Clock clock, Duration lifetime, LongPredicate tokenLive) {
        this.random = random;
        this.clock = clock;
        this.lifetime = lifetime;
        this.tokenLive = tokenLive;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.csrfKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The logged-in session of this request, if any; an operator's whose token was revoked is ended here. */
    Optional<Session> current(Context ctx) {
        String id = sessionId(ctx);
        if (id == null) {
            return Optional.empty();
        }
        String hash = Secrets.hash(id);
        Session s = sessions.get(hash);
        if (s == null) {
            return Optional.empty();
        }
        if (!s.expires().isAfter(clock.instant()) || (s.tokenId() != null && !tokenLive.test(s.tokenId()))) {
            sessions.remove(hash);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** Starts a logged-in session under a new id (replacing the current one). */
    void start(Context ctx, String operator, Long tokenId, Long requestId) {
        end(ctx);
        if (sessions.size() >= MAX_SESSIONS) {
            Instant now = clock.instant();
            sessions.values().removeIf(s -> !s.expires().isAfter(now));
            while (sessions.size() >= MAX_SESSIONS) { // full of live ones: the oldest goes, memory stays bounded
                sessions.entrySet().stream().min(java.util.Map.Entry.comparingByValue(
                        java.util.Comparator.comparing(Session::expires))).ifPresent(e -> sessions.remove(e.getKey()));
            }
        }
        String id = Secrets.generate(random, Secrets.SESSION);
        sessions.put(Secrets.hash(id), new Session(operator, tokenId, requestId, clock.instant().plus(lifetime)));
        setCookie(ctx, id);
    }

    void end(Context ctx) {
        String id = sessionId(ctx);
        if (id != null) {
            sessions.remove(Secrets.hash(id));
        }
    }

    /** The CSRF token for this browser's session; a browser without a session id gets one (anonymous). */
    String csrf(Context ctx) {
        String id = sessionId(ctx);
        if (id == null) {
            id = Secrets.generate(random, Secrets.SESSION);
            setCookie(ctx, id);
        }
        return token(id);
    }

    /**
     * Refuses a state-changing post that does not come from a page of this host ({@code Origin}
     * missing, {@code null} or another origin) or lacks the CSRF token of its session.
     */
    void check(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.equals("null")) {
            throw new BrokerException(BrokerException.Kind.CSRF, "a form post must come from this site's own page (the browser sent "
                    + (origin == null ? "no Origin" : "Origin: null") + "): reload the page and try again");
        }
        if (!origin.equals(ctx.scheme() + "://" + ctx.host())) {
            throw new BrokerException(BrokerException.Kind.CSRF, "cross-site form post refused");
        }
        String id = sessionId(ctx);
        if (id == null || !Secrets.same(token(id), ctx.formParam("csrf"))) {
            throw new BrokerException(BrokerException.Kind.CSRF, "the form's security token is missing or stale: reload the page and try again");
        }
    }

    private String token(String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(csrfKey);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks HmacSHA256", e);
        }
    }

    /** The session id this request carries (or was just given), if it has the shape of one. */
    private String sessionId(Context ctx) {
        Object issued = ctx.attribute(ISSUED);
        if (issued != null) {
            return issued.toString();
        }
        String id = ctx.cookie(secure(ctx) ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
        return Secrets.plausible(id, Secrets.SESSION) ? id : null;
    }

    private static boolean secure(Context ctx) {
        return ctx.scheme().equals("https");
    }

    private static void setCookie(Context ctx, String id) {
        boolean secure = secure(ctx);
        ctx.res().addHeader("Set-Cookie", (secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE) + "=" + id
                + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
        ctx.attribute(ISSUED, id);
    }
}
