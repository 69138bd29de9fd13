package net.v6broker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.HttpResponseException;
import net.v6broker.broker.ClientNotFoundException;
import net.v6broker.broker.ConflictException;
import net.v6broker.ipam.PoolExhaustedException;
import net.v6broker.openvpn.ExportRefusedException;
import net.v6broker.ca.CaException;
import net.v6broker.config.HomeException;
import net.v6broker.store.NoDatabaseException;
import net.v6broker.store.UniqueViolation;

/**
 * The one table from failures to HTTP status and stable error code. The codes are a public
 * contract (clients switch on them); the messages are for people.
 *
 * <table>
 *   <tr><th>failure</th><th>status</th><th>code</th></tr>
 *   <tr><td>IllegalArgumentException (every whitelist, bad query value)</td><td>400</td><td>invalid_input</td></tr>
 *   <tr><td>malformed JSON / wrong type / unknown field</td><td>400</td><td>invalid_json</td></tr>
 *   <tr><td>no or unknown token / session</td><td>401</td><td>unauthorized</td></tr>
 *   <tr><td>valid token, not allowed (subscriber on operator routes, revoked client)</td><td>403</td><td>forbidden</td></tr>
 *   <tr><td>missing or wrong CSRF token on a form</td><td>403</td><td>csrf</td></tr>
 *   <tr><td>ClientNotFoundException</td><td>404</td><td>client_not_found</td></tr>
 *   <tr><td>unknown request, route or resource</td><td>404</td><td>not_found</td></tr>
 *   <tr><td>ConflictException, UniqueViolation (duplicate, wrong state)</td><td>409</td><td>conflict</td></tr>
 *   <tr><td>ExportRefusedException (revoked client)</td><td>409</td><td>export_refused</td></tr>
 *   <tr><td>PoolExhaustedException</td><td>409</td><td>pool_exhausted</td></tr>
 *   <tr><td>download link used or expired</td><td>410</td><td>link_gone</td></tr>
 *   <tr><td>body not complete within the deadline</td><td>408</td><td>request_timeout</td></tr>
 *   <tr><td>body over the limit (however framed)</td><td>413</td><td>payload_too_large</td></tr>
 *   <tr><td>body not JSON / not a form</td><td>415</td><td>unsupported_media_type</td></tr>
 *   <tr><td>rate limit</td><td>429</td><td>rate_limited</td></tr>
 *   <tr><td>NoDatabaseException (database missing, empty or another broker's)</td><td>503</td><td>database_unavailable</td></tr>
 *   <tr><td>CaException, HomeException (a CA or home file missing or unusable)</td><td>503</td><td>home_unavailable</td></tr>
 *   <tr><td>anything else</td><td>500</td><td>internal</td></tr>
 * </table>
 *
 * <p>An exhausted pool is 409, not 503: retrying does not help until an operator frees or widens
 * the plan, and 503 tells clients and proxies to retry. Stateless, thread-safe.
 */
public final class Errors {
    private Errors() {
    }

    /** A failure as the API answers it. */
    public record Mapped(int status, String code, String message) {
    }

    public static Mapped map(Throwable e) {
        if (e instanceof HttpFailure f) {
            return switch (f.kind()) {
                case UNAUTHORIZED -> new Mapped(401, "unauthorized", f.getMessage());
                case FORBIDDEN -> new Mapped(403, "forbidden", f.getMessage());
                case CSRF -> new Mapped(403, "csrf", f.getMessage());
                case NOT_FOUND -> new Mapped(404, "not_found", f.getMessage());
                case CONFLICT -> new Mapped(409, "conflict", f.getMessage());
                case LINK_GONE -> new Mapped(410, "link_gone", f.getMessage());
                case PAYLOAD_TOO_LARGE -> new Mapped(413, "payload_too_large", f.getMessage());
                case UNSUPPORTED_MEDIA_TYPE -> new Mapped(415, "unsupported_media_type", f.getMessage());
                case RATE_LIMITED -> new Mapped(429, "rate_limited", f.getMessage());
                case REQUEST_TIMEOUT -> new Mapped(408, "request_timeout", f.getMessage());
            };
        }
        if (e instanceof JsonProcessingException j) {
            return new Mapped(400, "invalid_json", "the body is not valid JSON: " + j.getOriginalMessage());
        }
        if (e instanceof Json.InvalidJsonException j) {
            return new Mapped(400, "invalid_json", j.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return new Mapped(400, "invalid_input", e.getMessage());
        }
        if (e instanceof ClientNotFoundException) {
            return new Mapped(404, "client_not_found", e.getMessage());
        }
        if (e instanceof ConflictException) {
            return new Mapped(409, "conflict", e.getMessage());
        }
        if (e instanceof UniqueViolation) {
            return new Mapped(409, "conflict", "another change took this name or prefix at the same time; try again");
        }
        if (e instanceof ExportRefusedException) {
            return new Mapped(409, "export_refused", e.getMessage());
        }
        if (e instanceof PoolExhaustedException) {
            return new Mapped(409, "pool_exhausted", e.getMessage());
        }
        if (e instanceof NoDatabaseException) {
            return new Mapped(503, "database_unavailable", e.getMessage());
        }
        if (e instanceof CaException || e instanceof HomeException) {
            return new Mapped(503, "home_unavailable", e.getMessage());
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
