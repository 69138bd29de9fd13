package net.v6broker.config;

import net.v6broker.error.InvalidInputException;

import java.util.regex.Pattern;

/**
 * Strict whitelists for everything a person types that can end up in a config file, a file name
 * or a command line. Each check throws {@link IllegalArgumentException} naming the field, the bad
 * value (escaped, so control characters show) and the accepted form.
 */
public final class Validation {
    /** Client names: they become certificate CNs, file names and config lines. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern EMAIL = Pattern.compile(
            "(?=.{3,254}$)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern COMMON_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Validation() {
    }

    public static String name(String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new InvalidInputException("invalid client name " + quote(value)
                    + ": accepted 1..64 letters, digits, '.', '_', '-', not starting with '.' or '-'");
        }
        return value;
    }

    public static String email(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!EMAIL.matcher(value).matches() || value.startsWith("-")) {
            // never with a leading '-': the address reaches the reclaim hook's command line
            throw new InvalidInputException("invalid e-mail " + quote(value)
                    + ": accepted a plain address like alice@example.net (letters, digits, ._%+- before the @, not first '-')");
        }
        return value;
    }

    public static String host(String value) {
        if (value == null || !(HOSTNAME.matcher(value).matches() || (value.indexOf(':') >= 0 && IPV6.matcher(value).matches()))) {
            throw new InvalidInputException("invalid endpoint host " + quote(value)
                    + ": accepted a DNS name (letters, digits, '-', '.'), an IPv4 or an IPv6 address");
        }
        return value;
    }

    public static void commonName(String field, String value) {
        if (!COMMON_NAME.matcher(value).matches()) {
            throw new InvalidInputException("config: " + field + " " + quote(value)
                    + " is invalid: accepted 1..64 letters, digits, '.', '_', '-'");
        }
    }

    public static void port(String field, int port) {
        range(field, port, 1, 65535);
    }

    public static int parsePort(String field, String text) {
        try {
            int p = Integer.parseInt(text);
            port(field, p);
            return p;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field + " " + quote(text) + " is not a number: accepted 1..65535");
        }
    }

    public static void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidInputException("config: " + field + " = " + value + " is out of range: accepted " + min + ".." + max);
        }
    }

    /**
     * Whether a character must not appear in free text (a subscriber's reason): control characters
     * other than line breaks and tabs, and the invisible ones that change how text around them is
     * shown (format characters such as U+202E RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH SPACE, line
     * and paragraph separators), private-use, unpaired surrogate and unassigned code points.
     */
    public static boolean hidden(int codePoint) {
        if (codePoint == '\n' || codePoint == '\r' || codePoint == '\t') {
            return false;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }

    /**
     * Free text as a person typed it: required, at most {@code max} characters, without any
     * {@link #hidden} character (the message names the first one and where it is).
     */
    public static String freeText(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field + " is required");
        }
        if (value.length() > max) {
            throw new InvalidInputException(field + " is " + value.length() + " characters long: accepted at most " + max);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (hidden(cp)) {
                throw new InvalidInputException(field + " contains the invisible or control character "
                        + String.format("U+%04X", cp) + " at position " + i + ": accepted visible text, line breaks and tabs");
            }
            i += Character.charCount(cp);
        }
        return value.strip();
    }

    /** The value in quotes with control characters escaped, safe to print. */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        if (value.length() > 80) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
