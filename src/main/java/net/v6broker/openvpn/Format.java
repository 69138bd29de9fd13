package net.v6broker.openvpn;

import net.v6broker.error.InvalidInputException;

/** What {@code client export} writes: one inline profile, or a folder packed for Unix or Windows. */
public enum Format {
    /** A single inline {@code NAME.ovpn}. */
    OVPN("ovpn"),
    /** {@code NAME/} with profile, scripts, README and manifest, as a gzip'd tar (Linux, macOS). */
    TAR_GZ("tar.gz"),
    /** The same folder as a zip (Windows). */
    ZIP("zip");

    private final String cliName;

    Format(String cliName) {
        this.cliName = cliName;
    }

    /** Accepts {@code ovpn}, {@code tar.gz} or {@code zip}; anything else names the accepted values. */
    public static Format parse(String text) {
        for (Format f : values()) {
            if (f.cliName.equals(text)) {
                return f;
            }
        }
        throw new InvalidInputException("unknown format " + net.v6broker.config.Validation.quote(text)
                + ": accepted ovpn, tar.gz, zip");
    }

    public String cliName() {
        return cliName;
    }

    /** The file name extension, which is the CLI name: {@code NAME.tar.gz}. */
    public String extension() {
        return cliName;
    }
}
