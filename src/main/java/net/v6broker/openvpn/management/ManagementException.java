package net.v6broker.openvpn.management;

import net.v6broker.error.BrokerException;

/** The management interface could not be reached, or did not answer as the protocol says. */
public final class ManagementException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public ManagementException(String message) {
        super(Kind.FAILED, message);
    }

    public ManagementException(String message, Throwable cause) {
        super(Kind.FAILED, message, cause);
    }
}
