package net.v6broker.store;

import net.v6broker.error.BrokerException;

/** A write lost a race for something unique (a name, a prefix, a serial). The caller may retry. */
public final class UniqueViolation extends BrokerException {
    private static final long serialVersionUID = 1L;

    UniqueViolation(String message) {
        super(Kind.CONFLICT, message);
    }

    UniqueViolation(String message, Throwable cause) {
        super(Kind.CONFLICT, message, cause);
    }
}
