package net.v6broker.ca;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Generates OpenVPN {@code tls-crypt} / {@code tls-auth} static keys.
 *
 * <p>Stateless, therefore thread-safe (as far as the supplied SecureRandom is).
 */
public final class TlsCryptKey {

    private static final int KEY_BYTES = 256;
    private static final int BYTES_PER_LINE = 16;

    private TlsCryptKey() {
    }

    /**
     * A fresh 2048-bit OpenVPN static key in exactly the format {@code openvpn --genkey tls-crypt}
     * writes: a three-line comment header, the BEGIN line, 16 lines of 32 lower-case hex digits and
     * the END line, each terminated by a newline.
     */
    public static String generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder(700);
        sb.append("#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n");
        for (int off = 0; off < KEY_BYTES; off += BYTES_PER_LINE) {
            sb.append(hex.formatHex(key, off, off + BYTES_PER_LINE)).append('\n');
        }
        sb.append("-----END OpenVPN Static key V1-----\n");
        return sb.toString();
    }

    /**
     * Checks that {@code text} is such a key: between the BEGIN and END lines, 256 bytes as hex
     * (lines starting with {@code #} before them are comments), as OpenVPN reads it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void parse(String text) {
        int begin = text.indexOf("-----BEGIN OpenVPN Static key V1-----");
        int end = text.indexOf("-----END OpenVPN Static key V1-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not an OpenVPN static key (no BEGIN/END OpenVPN Static key V1 lines)");
        }
        String hex = text.substring(begin + "-----BEGIN OpenVPN Static key V1-----".length(), end).replaceAll("\\s", "");
        if (hex.length() != KEY_BYTES * 2 || !hex.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("an OpenVPN static key holds " + KEY_BYTES + " bytes as hex; this one has "
                    + hex.length() + " characters" + (hex.matches("[0-9a-fA-F]*") ? "" : " that are not all hex digits"));
        }
    }
}
