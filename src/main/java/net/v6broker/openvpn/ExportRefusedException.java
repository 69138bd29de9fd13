package net.v6broker.openvpn;

/** A client's profile cannot be exported in its current state (it is revoked). */
public final class ExportRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExportRefusedException(String message) {
        super(message);
    }
}
