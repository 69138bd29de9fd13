package net.v6broker.broker;

import net.v6broker.error.InvalidInputException;

import java.util.Objects;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;

/**
 * A validated request for a new client. The compact constructor is the whitelist.
 *
 * @param idempotencyKey the caller's key for this very request (HTTP {@code Idempotency-Key}): a
 *                       retry with the same key gets the client the first attempt made instead of
 *                       a conflict; null for none
 */
public record NewClient(String name, ClientKind type, ClientOs os, String email, String idempotencyKey) {
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{8,64}");

    public NewClient {
        Validation.name(name);
        Objects.requireNonNull(type, "type");
        os = os == null ? ClientOs.LINUX : os;
        email = Validation.email(email);
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidInputException("invalid Idempotency-Key " + Validation.quote(idempotencyKey)
                    + ": accepted 8..64 letters, digits, '_' and '-' (a UUID, say)");
        }
    }

    public NewClient(String name, ClientKind type, ClientOs os, String email) {
        this(name, type, os, email, null);
    }

    /** The same request under an idempotency key. */
    public NewClient withIdempotencyKey(String key) {
        return new NewClient(name, type, os, email, key);
    }

    /** Whether {@code c} is what this request asks for (for a retried request). */
    boolean describes(Client c) {
        return c.name().equalsIgnoreCase(name) && c.type() == type && c.os() == os && Objects.equals(c.email(), email);
    }

    /** From text as typed, each field checked against its whitelist. */
    public static NewClient parse(String name, String type, String os, String email) {
        return new NewClient(Validation.name(name), ClientKind.parse(type),
                os == null || os.isBlank() ? ClientOs.LINUX : ClientOs.parse(os), email);
    }
}
