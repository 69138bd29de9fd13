package net.v6broker.store;

import net.v6broker.error.BrokerException;

/** The database failed or refused; the message says which operation on what. */
public final class StoreException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(Kind.FAILED, message, cause);
    }
}
