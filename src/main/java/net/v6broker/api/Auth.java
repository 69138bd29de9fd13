package net.v6broker.api;

import io.javalin.http.Context;
import java.util.Optional;
import net.v6broker.store.AccessTx;

/**
 * Bearer tokens of the API: an operator token opens the operator routes, a subscriber token only
 * that subscriber's own request and tunnel. Failed checks are rate-limited per client address
 * (429 once exhausted, checked before any lookup). Thread-safe.
 */
public final class Auth {
    private final Services services;
    private final RateLimiter failures;

    public Auth(Services services, RateLimiter failures) {
        this.services = services;
        this.failures = failures;
    }

    /** An authenticated operator, by token name. */
    public record Operator(String name) {
    }

    /** The operator presenting an operator token; 401 without a valid token, 403 for a subscriber's. */
    public Operator operator(Context ctx) {
        String token = bearer(ctx);
        if (Secrets.plausible(token, Secrets.SUBSCRIBER) && subscriber(token).isPresent()) {
            throw new HttpFailure(HttpFailure.Kind.FORBIDDEN, "a subscriber token cannot use operator endpoints");
        }
        return operatorByToken(ctx, token).orElseThrow(() -> fail(ctx, "invalid or revoked API token"));
    }

    /** An operator by token, for the web login: empty when unknown (counted as a failure). */
    public Optional<Operator> operatorByToken(Context ctx, String token) {
        guard(ctx);
        if (!Secrets.plausible(token, Secrets.OPERATOR)) {
            return Optional.empty();
        }
        String hash = Secrets.hash(token);
        return services.store().inTransaction(tx -> {
            Optional<AccessTx.TokenRow> row = tx.access().liveToken(hash);
            if (row.isPresent()) {
                tx.access().touchToken(row.get().id(), services.clock().instant());
            }
            return row.map(r -> new Operator(r.name()));
        });
    }

    /** The request of the subscriber presenting a subscriber token; 401 otherwise, 403 for an operator's. */
    public AccessTx.RequestRow subscriber(Context ctx) {
        String token = bearer(ctx);
        if (Secrets.plausible(token, Secrets.OPERATOR)) {
            throw new HttpFailure(HttpFailure.Kind.FORBIDDEN, "this endpoint is for subscribers: use the subscriber token "
                    + "given when the request was made");
        }
        guard(ctx);
        return subscriber(token).orElseThrow(() -> fail(ctx, "invalid subscriber token"));
    }

    /** A subscriber's request by token; empty when unknown. */
    public Optional<AccessTx.RequestRow> subscriber(String token) {
        if (!Secrets.plausible(token, Secrets.SUBSCRIBER)) {
            return Optional.empty();
        }
        String hash = Secrets.hash(token);
        return services.store().read(tx -> tx.access().requestBySubscriber(hash));
    }

    /** Refuses at once (429) when this address has used up its failed checks. */
    public void guard(Context ctx) {
        if (!failures.allowed(ctx.ip())) {
            throw new HttpFailure(HttpFailure.Kind.RATE_LIMITED, "too many failed checks from this address; wait a minute");
        }
    }

    /** Counts a failed check and returns the failure to throw. */
    public HttpFailure fail(Context ctx, String message) {
        if (!failures.tryAcquire(ctx.ip())) {
            return new HttpFailure(HttpFailure.Kind.RATE_LIMITED, "too many failed checks from this address; wait a minute");
        }
        return new HttpFailure(HttpFailure.Kind.UNAUTHORIZED, message);
    }

    private String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new HttpFailure(HttpFailure.Kind.UNAUTHORIZED, "missing 'Authorization: Bearer TOKEN' "
                    + "(operators: 'v6broker token create NAME')");
        }
        return h.substring(7).trim();
    }
}
