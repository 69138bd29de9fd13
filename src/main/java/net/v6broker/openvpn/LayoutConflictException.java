package net.v6broker.openvpn;

import net.v6broker.error.BrokerException;

/** A server directory was rendered with one layout and is now asked for the other. */
public final class LayoutConflictException extends BrokerException {
    private static final long serialVersionUID = 1L;

    LayoutConflictException(String message) {
        super(Kind.CONFLICT, message);
    }
}
