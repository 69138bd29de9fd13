package net.v6broker.openvpn;

import java.util.Objects;

/**
 * What {@code client export} was asked for. Validated on construction, before anything is read
 * or written. Immutable and thread-safe.
 *
 * @param lanInterface the LAN interface for a subnet client's up script; null takes the default
 *                     for the client's OS (Linux: {@code openvpn.lanInterface}; macOS: en0;
 *                     Windows: Ethernet)
 */
public record ExportRequest(Format format, Layout layout, String lanInterface) {
    public ExportRequest {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(layout, "layout");
        if (lanInterface != null) {
            Safe.lanInterface(lanInterface);
        }
    }

    /** Parses the command line's text; every bad value is an {@link IllegalArgumentException} naming the accepted ones. */
    public static ExportRequest parse(String format, String layout, String lanInterface) {
        return new ExportRequest(Format.parse(format), Layout.parse(layout), lanInterface);
    }
}
