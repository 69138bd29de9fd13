package net.v6broker.broker;

/** The request conflicts with the current state: a duplicate name, or an action the client's status forbids. */
public final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConflictException(String message) {
        super(message);
    }
}
