package net.v6broker.openvpn;

import net.v6broker.error.BrokerException;

/** A client's profile cannot be exported in its current state (it is revoked). */
public final class ExportRefusedException extends BrokerException {
    private static final long serialVersionUID = 1L;

    ExportRefusedException(String message) {
        super(Kind.EXPORT_REFUSED, message);
    }
}
