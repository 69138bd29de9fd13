package net.v6broker.error;

import java.util.Objects;

/**
 * Every failure v6broker reports on purpose: a kind, which the command line maps to its exit code
 * ({@code cli.Cli}) and the HTTP layer to its status and error code ({@code api.Errors}), each in one
 * table, and a message for people that names what was refused and what is accepted. Anything else
 * that reaches a caller is a bug: exit 1, HTTP 500, logged with its stack trace.
 *
 * <p>Immutable.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure: what a caller can do about it. */
    public enum Kind {
        /** a value a person typed or sent is not accepted (the message names the accepted form) */
        INVALID_INPUT,
        /** a request body is not the JSON the endpoint takes */
        INVALID_JSON,
        /** no such client */
        CLIENT_NOT_FOUND,
        /** no such link, request, route or resource */
        NOT_FOUND,
        /** the state forbids it: a duplicate, a wrong status, another writer or daemon at work */
        CONFLICT,
        /** a revoked client's profile */
        EXPORT_REFUSED,
        /** no address, prefix or port left */
        EXHAUSTED,
        /** no broker home here, or one that exists already, or its configuration is unusable */
        NO_HOME,
        /** the home's database is missing, empty, or another broker's */
        NO_DATABASE,
        /** a file the operation needs (the CA's key, say) is missing or unusable */
        UNAVAILABLE,
        /** no, or no valid, credentials (HTTP) */
        UNAUTHORIZED,
        /** valid credentials that may not do this (HTTP) */
        FORBIDDEN,
        /** a form without its session's CSRF token, or from another origin (HTTP) */
        CSRF,
        /** a one-time link used or expired (HTTP) */
        GONE,
        /** too many requests or failures from one address (HTTP) */
        RATE_LIMITED,
        /** a body larger than the limit (HTTP) */
        TOO_LARGE,
        /** a body that did not arrive in time (HTTP) */
        TIMEOUT,
        /** a body of a media type the endpoint does not take (HTTP) */
        UNSUPPORTED_MEDIA_TYPE,
        /** the operation failed (the database, the management interface): the message says how */
        FAILED
    }

    private final Kind kind;

    public BrokerException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public BrokerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
