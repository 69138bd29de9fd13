package net.v6broker.link;

import net.v6broker.error.InvalidInputException;

import java.util.Locale;

/** The kind of device a link runs over: an Ethernet-like {@code tap} (the seed's) or an IP-only {@code tun}. */
public enum LinkDevice {
    /** Ethernet frames: the seed's choice; 14 more bytes per packet, any protocol. */
    TAP,
    /** IP packets only: a point-to-point link. */
    TUN;

    /** Accepts {@code tap} or {@code tun}, any case. */
    public static LinkDevice parse(String text) {
        if (text != null) {
            for (LinkDevice d : values()) {
                if (d.cliName().equalsIgnoreCase(text.trim())) {
                    return d;
                }
            }
        }
        throw new InvalidInputException("invalid --dev " + net.v6broker.config.Validation.quote(text)
                + ": accepted tap, tun");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
