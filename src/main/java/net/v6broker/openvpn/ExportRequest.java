package net.v6broker.openvpn;

import java.util.Objects;

/**
 * What {@code client export} was asked for. Validated on construction, before anything is read
 * or written. Immutable and thread-safe.
 *
 * @param lanInterface the LAN interface for a subnet client's up script; null takes the default
 *                     for the client's OS (Linux: {@code openvpn.lanInterface}; macOS: en0;
 *                     Windows: Ethernet)
 * @param noTlsCrypt   {@code --compat no-tls-crypt}: a profile for the instance without tls-crypt
 *                     ({@code openvpn.compatPort}), for clients that lack it
 * @param app          {@code --for APP}: the client program, whose gaps (docs/compatibility.md)
 *                     refuse the export; null for no check
 */
public record ExportRequest(Format format, Layout layout, String lanInterface, boolean noTlsCrypt, ClientApp app) {
    public ExportRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(layout, "layout");
        if (lanInterface != null) {
            Safe.lanInterface(lanInterface);
        }
    }

    /** A profile with tls-crypt-v2, for no client program in particular. */
    public ExportRequest(Format format, Layout layout, String lanInterface) {
        this(format, layout, lanInterface, false, null);
    }

    /** Parses the command line's text; every bad value is an {@link IllegalArgumentException} naming the accepted ones. */
    public static ExportRequest parse(String format, String layout, String lanInterface) {
        return parse(format, layout, lanInterface, null, null);
    }

    /** {@link #parse(String, String, String)} with {@code --compat} and {@code --for} (each null when not given). */
    public static ExportRequest parse(String format, String layout, String lanInterface, String compat, String app) {
        if (compat != null && !compat.equals("no-tls-crypt")) {
            throw new net.v6broker.error.InvalidInputException("unknown --compat " + net.v6broker.config.Validation.quote(compat)
                    + ": accepted no-tls-crypt");
        }
        return new ExportRequest(Format.parse(format), Layout.parse(layout), lanInterface, compat != null,
                app == null ? null : ClientApp.parse(app));
    }
}
