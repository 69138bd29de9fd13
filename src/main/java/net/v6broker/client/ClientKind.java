package net.v6broker.client;

import net.v6broker.error.InvalidInputException;

import java.util.Locale;

/** The two kinds of client the plan serves, each with its own pool. */
public enum ClientKind {
    /** One /128 from the last /64 of the broker's prefix. */
    HERMIT,
    /** One routed /64 from the /64s between the first (transfer) and the last (hermit). */
    SUBNET;

    /** Accepts {@code hermit} or {@code subnet}, any case. */
    public static ClientKind parse(String text) {
        if (text != null) {
            for (ClientKind p : values()) {
                if (p.cliName().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
        }
        throw new InvalidInputException("unknown client type '" + text + "': accepted hermit, subnet");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
