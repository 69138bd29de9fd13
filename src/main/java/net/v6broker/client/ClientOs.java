package net.v6broker.client;

import net.v6broker.error.InvalidInputException;

import java.util.Locale;

/** The operating system a client's archive is made for. */
public enum ClientOs {
    LINUX, WINDOWS, MACOS;

    public static ClientOs parse(String text) {
        if (text != null) {
            for (ClientOs os : values()) {
                if (os.cliName().equalsIgnoreCase(text.trim())) {
                    return os;
                }
            }
        }
        throw new InvalidInputException("unknown os '" + text + "': accepted linux, windows, macos");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
