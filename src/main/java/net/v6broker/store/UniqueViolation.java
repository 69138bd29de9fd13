package net.v6broker.store;

/** A write lost a race for something unique (a name, a prefix, a serial). The caller may retry. */
public final class UniqueViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UniqueViolation(String message, Throwable cause) {
        super(message, cause);
    }
}
