package net.v6broker.error;

/**
 * A value a person typed or sent is refused: the message names the field, the value (escaped) and
 * the accepted form. Only input is refused this way; an {@link IllegalArgumentException} is a bug.
 */
public class InvalidInputException extends BrokerException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(Kind.INVALID_INPUT, message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(Kind.INVALID_INPUT, message, cause);
    }
}
