package net.v6broker.daemon;

import net.v6broker.error.BrokerException;

/** Another daemon holds this home; the message names its pid. */
public final class DaemonRunningException extends BrokerException {
    private static final long serialVersionUID = 1L;

    DaemonRunningException(String message) {
        super(Kind.CONFLICT, message);
    }
}
