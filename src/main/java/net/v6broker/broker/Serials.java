package net.v6broker.broker;

import java.math.BigInteger;

/** Serial numbers as text: upper-case hex of even length, exactly as {@code openssl x509 -serial} prints them. */
public final class Serials {
    private Serials() {
    }

    public static String hex(BigInteger serial) {
        String h = serial.toString(16).toUpperCase(java.util.Locale.ROOT);
        return h.length() % 2 == 0 ? h : "0" + h;
    }

    public static BigInteger parse(String hex) {
        return new BigInteger(hex, 16);
    }
}
