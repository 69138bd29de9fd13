package net.v6broker.openvpn;

import net.v6broker.error.InvalidInputException;

/**
 * A value about to be written into an OpenVPN config or a script holds a character outside the
 * renderer's whitelist. Input validation should have stopped it earlier; this is the last line.
 */
public final class UnsafeValueException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    UnsafeValueException(String message) {
        super(message);
    }
}
