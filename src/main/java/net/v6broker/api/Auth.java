package net.v6broker.api;

import net.v6broker.broker.Secrets;

import net.v6broker.error.BrokerException;

import io.javalin.http.Context;
import java.util.Optional;
import net.v6broker.store.AccessTx;

/**
 * Bearer tokens of the API: an operator token opens the operator routes, a subscriber token only
 * that subscriber's own request and tunnel. Failed checks, like every failure of a request no
 * operator token vouched for, are rate-limited per client address (429 once exhausted, checked
 * before any lookup). Thread-safe.
 */
public final class Auth {
    /**
     * The request attribute set once an operator is authenticated (by token or web session): the
     * failures of such a request are the operator's own and are not counted against the address.
     */
    public static final String AUTHENTICATED = "v6broker.operator";
    private final Services services;
    private final RateLimiter failures;

    public Auth(Services services, RateLimiter failures) {
        this.services = services;
        this.failures = failures;
    }

    /** An authenticated operator: the name and id of their token. */
    public record Operator(String name, long tokenId) {
    }

    /** The operator presenting an operator token; 401 without a valid token, 403 for a subscriber's. */
    public Operator operator(Context ctx) {
        String token = bearer(ctx);
        if (Secrets.plausible(token, Secrets.SUBSCRIBER) && subscriber(token).isPresent()) {
            throw new BrokerException(BrokerException.Kind.FORBIDDEN, "a subscriber token cannot use operator endpoints");
        }
        Operator op = operatorByToken(ctx, token).orElseThrow(() -> fail(ctx, "invalid or revoked API token"));
        vouch(ctx, op.name());
        return op;
    }

    /** The key the request's client address is rate-limited under ({@link RateLimiter#addressKey}). */
    public static String client(Context ctx) {
        return RateLimiter.addressKey(ctx.ip());
    }

    /** Marks the request as an authenticated operator's (see {@link #AUTHENTICATED}). */
    public static void vouch(Context ctx, String operator) {
        ctx.attribute(AUTHENTICATED, operator);
    }

    /** An operator by token, for the web login: empty when unknown (counted as a failure). */
    public Optional<Operator> operatorByToken(Context ctx, String token) {
        if (!Secrets.plausible(token, Secrets.OPERATOR)) {
            return Optional.empty();
        }
        String hash = Secrets.hash(token);
        return services.store().inTransaction(tx -> {
            Optional<AccessTx.TokenRow> row = tx.access().liveToken(hash);
            if (row.isPresent()) {
                tx.access().touchToken(row.get().id(), services.clock().instant());
            }
            return row.map(r -> new Operator(r.name(), r.id()));
        });
    }

    /** The request of the subscriber presenting a subscriber token; 401 otherwise, 403 for an operator's. */
    public AccessTx.RequestRow subscriber(Context ctx) {
        String token = bearer(ctx);
        if (Secrets.plausible(token, Secrets.OPERATOR)) {
            throw new BrokerException(BrokerException.Kind.FORBIDDEN, "this endpoint is for subscribers: use the subscriber token "
                    + "given when the request was made");
        }
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
        if (!failures.allowed(client(ctx))) {
            throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "too many failed checks from this address; wait a minute");
        }
    }

    /**
     * The failure of a check to throw (401). It is counted against the address where every
     * unauthenticated failure is counted, as the HTTP layer answers it.
     */
    public BrokerException fail(Context ctx, String message) {
        return new BrokerException(BrokerException.Kind.UNAUTHORIZED, message);
    }

    private String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new BrokerException(BrokerException.Kind.UNAUTHORIZED, "missing 'Authorization: Bearer TOKEN' "
                    + "(operators: 'v6broker token create NAME')");
        }
        return h.substring(7).trim();
    }
}
