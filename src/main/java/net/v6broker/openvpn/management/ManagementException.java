package net.v6broker.openvpn.management;

/** The management interface could not be reached, or did not answer as the protocol says. */
public final class ManagementException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ManagementException(String message) {
        super(message);
    }

    public ManagementException(String message, Throwable cause) {
        super(message, cause);
    }
}
