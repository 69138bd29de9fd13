package net.v6broker.config;

/** The broker home is missing, exists already, or holds something unusable. */
public final class HomeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HomeException(String message) {
        super(message);
    }
}
