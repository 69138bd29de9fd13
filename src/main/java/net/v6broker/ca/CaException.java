package net.v6broker.ca;

/**
 * Failure of a certificate-authority operation: unreadable PEM, a key that does not match its
 * certificate, an unsupported key, or an error from the underlying crypto provider. The message
 * always says what was being done.
 *
 * <p>Immutable, therefore thread-safe.
 */
public final class CaException extends RuntimeException {

    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
