package net.v6broker.config;

import net.v6broker.error.BrokerException;

/** The broker home is missing, exists already, or holds something unusable. */
public final class HomeException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public HomeException(String message) {
        super(Kind.NO_HOME, message);
    }
}
