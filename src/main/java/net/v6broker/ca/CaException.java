package net.v6broker.ca;

import net.v6broker.error.BrokerException;

/**
 * Failure of a certificate-authority operation: unreadable PEM, a key that does not match its
 * certificate, an unsupported key, or an error from the underlying crypto provider. The message
 * always says what was being done.
 *
 * <p>Immutable, therefore thread-safe.
 */
public final class CaException extends BrokerException {

    public CaException(String message) {
        super(Kind.UNAVAILABLE, message);
    }

    public CaException(String message, Throwable cause) {
        super(Kind.UNAVAILABLE, message, cause);
    }
}
