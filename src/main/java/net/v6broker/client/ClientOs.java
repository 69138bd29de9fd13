package net.v6broker.client;

import net.v6broker.error.InvalidInputException;

import java.util.Locale;

/**
 * The operating system a client's archive is made for: a computer's (linux, windows, macos) or a
 * router's, which hands the client's prefix to its LAN (openwrt: UCI and odhcpd; router: a Linux
 * router with radvd).
 */
public enum ClientOs {
    LINUX, WINDOWS, MACOS, OPENWRT, ROUTER;

    public static ClientOs parse(String text) {
        if (text != null) {
            for (ClientOs os : values()) {
                if (os.cliName().equalsIgnoreCase(text.trim())) {
                    return os;
                }
            }
        }
        throw new InvalidInputException("unknown os '" + text + "': accepted linux, windows, macos, openwrt, router");
    }

    /** Whether this is a router's: its archive hands the prefix to a LAN, so only a subnet client has it. */
    public boolean router() {
        return this == OPENWRT || this == ROUTER;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
