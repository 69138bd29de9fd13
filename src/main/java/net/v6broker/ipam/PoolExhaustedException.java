package net.v6broker.ipam;

import net.v6broker.error.BrokerException;

/** No free index is left in a pool. The message names the pool and its usage. */
public final class PoolExhaustedException extends BrokerException {
    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message) {
        super(Kind.EXHAUSTED, message);
    }
}
