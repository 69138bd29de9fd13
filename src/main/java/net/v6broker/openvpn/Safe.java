package net.v6broker.openvpn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import net.v6broker.config.Validation;

/**
 * The renderer's own whitelist, applied to every value just before it is written into an OpenVPN
 * config or a script. Names, addresses, host names and paths were validated when they were typed;
 * this second check makes sure that a value handed to the renderer directly (a bug, a row edited
 * by hand) can never add a line, a quote or a shell metacharacter. Stateless, thread-safe.
 */
final class Safe {
    /** Letters, digits and {@code . _ : / @ + -}: enough for names, addresses, prefixes, host names and paths. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/@+-]+");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;

    private Safe() {
    }

    /** Returns {@code value} if every character is whitelisted; throws naming the field otherwise. */
    static String token(String field, String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new UnsafeValueException("refusing to render " + field + " " + Validation.quote(value)
                    + ": a config or script value may hold only letters, digits and . _ : / @ + -");
        }
        return value;
    }

    /** An absolute, normalised path whose text passes {@link #token}. */
    static String path(String field, Path path) {
        Path p = path.toAbsolutePath().normalize();
        token(field, p.toString());
        return p.toString();
    }

    /** A network interface name as scripts use it: 1..15 of letters, digits, '_', '.', '-'. */
    static String lanInterface(String value) {
        if (value == null || !INTERFACE.matcher(value).matches()) {
            throw new UnsafeValueException("invalid LAN interface " + Validation.quote(value)
                    + ": accepted 1..15 letters, digits, '_', '.', '-' (such as eth0, enp3s0, en0, Ethernet)");
        }
        return value;
    }

    /** The management socket's path, which must fit a Unix socket address. */
    static String socketPath(String field, Path path) {
        String p = path(field, path);
        if (p.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new UnsafeValueException(field + " " + p + " is " + p.getBytes(StandardCharsets.UTF_8).length
                    + " bytes long; a Unix socket path holds at most " + MAX_SOCKET_PATH + ": choose a shorter --out directory");
        }
        return p;
    }

    /** PEM or static-key text for an inline block: printable ASCII lines, no '<' or '>'. */
    static String block(String tag, String content) {
        if (content == null || content.isBlank()) {
            throw new UnsafeValueException("refusing to render an empty <" + tag + "> block");
        }
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            boolean ok = c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f && c != '<' && c != '>');
            if (!ok) {
                throw new UnsafeValueException("refusing to render <" + tag + ">: character "
                        + String.format("U+%04X", (int) c) + " at offset " + i + " does not belong in PEM text");
            }
        }
        return content;
    }
}
