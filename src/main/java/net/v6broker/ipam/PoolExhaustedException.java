package net.v6broker.ipam;

/** No free index is left in a pool. The message names the pool and its usage. */
public final class PoolExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message) {
        super(message);
    }
}
