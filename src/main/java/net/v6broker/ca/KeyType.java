package net.v6broker.ca;

import net.v6broker.error.InvalidInputException;

import java.util.Locale;

/**
 * Key algorithm and size of a CA and of every key it issues (a client's key type is always the
 * CA's key type).
 *
 * <p>Enum constants are immutable, therefore thread-safe.
 */
public enum KeyType {
    /** ECDSA on NIST P-256 (secp256r1 / prime256v1), signatures SHA256withECDSA. */
    EC_P256("ec"),
    /** RSA, 2048-bit modulus, signatures SHA256withRSA. */
    RSA_2048("rsa2048"),
    /** RSA, 3072-bit modulus, signatures SHA256withRSA. */
    RSA_3072("rsa3072");

    private final String cliName;

    KeyType(String cliName) {
        this.cliName = cliName;
    }

    /**
     * Parses a command-line key type name, case-insensitively: {@code ec} (= {@link #EC_P256}),
     * {@code rsa} (= {@link #RSA_3072}), {@code rsa2048}, {@code rsa3072}.
     *
     * @throws IllegalArgumentException for any other value, including null
     */
    public static KeyType parse(String s) {
        String key = s == null ? "" : s.toLowerCase(Locale.ROOT);
        switch (key) {
            case "ec":
                return EC_P256;
            case "rsa":
            case "rsa3072":
                return RSA_3072;
            case "rsa2048":
                return RSA_2048;
            default:
                throw new InvalidInputException(
                        "unknown key type '" + s + "': accepted ec, rsa, rsa2048, rsa3072");
        }
    }

    /** The canonical command-line name: {@code ec}, {@code rsa2048} or {@code rsa3072}. */
    public String cliName() {
        return cliName;
    }

    boolean isRsa() {
        return this != EC_P256;
    }

    /** RSA modulus length in bits; 0 for EC. */
    int rsaBits() {
        switch (this) {
            case RSA_2048:
                return 2048;
            case RSA_3072:
                return 3072;
            default:
                return 0;
        }
    }
}
