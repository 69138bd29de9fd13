package net.v6broker.openvpn;

import net.v6broker.error.InvalidInputException;

/**
 * How a tunnel server runs OpenVPN: one shared instance with a client-config-dir (the default), or
 * the seed's one instance per client, each on its own UDP port.
 */
public enum Layout {
    /** One OpenVPN instance, {@code topology subnet}, one {@code ccd/NAME} file per active client. */
    SHARED("shared"),
    /** One point-to-point OpenVPN instance per client on UDP port {@code openvpn.portBase + id}. */
    PER_CLIENT("per-client");

    private final String cliName;

    Layout(String cliName) {
        this.cliName = cliName;
    }

    /** Accepts {@code shared} or {@code per-client}; anything else names the accepted values. */
    public static Layout parse(String text) {
        for (Layout l : values()) {
            if (l.cliName.equals(text)) {
                return l;
            }
        }
        throw new InvalidInputException("unknown layout " + net.v6broker.config.Validation.quote(text)
                + ": accepted shared, per-client");
    }

    public String cliName() {
        return cliName;
    }
}
