package net.v6broker.broker;

import net.v6broker.error.BrokerException;

/** The request conflicts with the current state: a duplicate name, or an action the client's status forbids. */
public final class ConflictException extends BrokerException {
    private static final long serialVersionUID = 1L;

    ConflictException(String message) {
        super(Kind.CONFLICT, message);
    }
}
