package net.v6broker.daemon;

/** Another daemon holds this home; the message names its pid. */
public final class DaemonRunningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DaemonRunningException(String message) {
        super(message);
    }
}
