package net.v6broker.openvpn;

/** In the per-client layout, a client's port {@code openvpn.portBase + id} is above 65535. */
public final class PortOutOfRangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortOutOfRangeException(String message) {
        super(message);
    }
}
