package net.v6broker.openvpn;

/** A server directory was rendered with one layout and is now asked for the other. */
public final class LayoutConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LayoutConflictException(String message) {
        super(message);
    }
}
