package net.v6broker.openvpn;

import net.v6broker.error.BrokerException;

/** In the per-client layout, a client's port {@code openvpn.portBase + id} is above 65535. */
public final class PortOutOfRangeException extends BrokerException {
    private static final long serialVersionUID = 1L;

    PortOutOfRangeException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
