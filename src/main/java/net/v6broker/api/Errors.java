package net.v6broker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.HttpResponseException;
import net.v6broker.error.BrokerException;

/**
 * The one table from failures to HTTP status and stable error code. The codes are a public
 * contract (clients switch on them); the messages are for people.
 *
 * <p>A {@link BrokerException} answers by its kind; Javalin's own refusals (no such route, a
 * method not allowed) by their status; anything else is a bug: 500 {@code internal}, logged with its
 * stack trace, its message not shown. An exhausted pool is 409, not 503: retrying does not help
 * until an operator frees or widens the plan, and 503 tells clients and proxies to retry. A missing
 * or unusable database or CA file is 503: the operator can restore it. Stateless, thread-safe.
 */
public final class Errors {
    private Errors() {
    }

    /** A failure as the API answers it. */
    public record Mapped(int status, String code, String message) {
    }

    public static Mapped map(Throwable e) {
        if (e instanceof BrokerException b) {
            String m = b.getMessage();
            return switch (b.kind()) {
                case INVALID_INPUT -> new Mapped(400, "invalid_input", m);
                case INVALID_JSON -> new Mapped(400, "invalid_json", m);
                case UNAUTHORIZED -> new Mapped(401, "unauthorized", m);
                case FORBIDDEN -> new Mapped(403, "forbidden", m);
                case CSRF -> new Mapped(403, "csrf", m);
                case CLIENT_NOT_FOUND -> new Mapped(404, "client_not_found", m);
                case NOT_FOUND -> new Mapped(404, "not_found", m);
                case TIMEOUT -> new Mapped(408, "request_timeout", m);
                case CONFLICT -> new Mapped(409, "conflict", b instanceof net.v6broker.store.UniqueViolation
                        ? "another change took this name or prefix at the same time; try again" : m);
                case EXPORT_REFUSED -> new Mapped(409, "export_refused", m);
                case EXHAUSTED -> new Mapped(409, "pool_exhausted", m);
                case GONE -> new Mapped(410, "link_gone", m);
                case TOO_LARGE -> new Mapped(413, "payload_too_large", m);
                case UNSUPPORTED_MEDIA_TYPE -> new Mapped(415, "unsupported_media_type", m);
                case RATE_LIMITED -> new Mapped(429, "rate_limited", m);
                case NO_HOME, UNAVAILABLE -> new Mapped(503, "home_unavailable", m);
                case NO_DATABASE -> new Mapped(503, "database_unavailable", m);
                case FAILED -> new Mapped(500, "internal", m);
            };
        }
        if (e instanceof JsonProcessingException j) {
            return new Mapped(400, "invalid_json", "the body is not valid JSON: " + j.getOriginalMessage());
        }
        if (e instanceof HttpResponseException h) {
            int status = h.getStatus();
            String code = switch (status) {
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 413 -> "payload_too_large";
                default -> status < 500 ? "invalid_input" : "internal";
            };
            return new Mapped(status, code, h.getMessage());
        }
        return new Mapped(500, "internal", "internal error (" + e.getClass().getSimpleName() + "); see the daemon's log");
    }
}
