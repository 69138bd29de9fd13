package net.v6broker.broker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bearer secrets: 256 random bits with a prefix saying what they open ({@code v6bo_} operator
 * token, {@code v6bs_} subscriber token, {@code v6bd_} download link, {@code v6bw_} web session),
 * stored only as their SHA-256 (hex). With 256 bits of entropy a fast hash is enough: there is
 * nothing to guess. Stateless, thread-safe.
 */
public final class Secrets {
    public static final String OPERATOR = "v6bo_";
    public static final String SUBSCRIBER = "v6bs_";
    public static final String DOWNLOAD = "v6bd_";
    public static final String SESSION = "v6bw_";
    private static final int MAX_LENGTH = 100;

    private Secrets() {
    }

    public static String generate(SecureRandom random, String prefix) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether a presented value has the shape of a secret of that kind (checked before any lookup). */
    public static boolean plausible(String value, String prefix) {
        return value != null && value.length() <= MAX_LENGTH && value.startsWith(prefix)
                && value.substring(prefix.length()).matches("[A-Za-z0-9_-]{20,}");
    }

    /** Compares two strings in time independent of where they differ. */
    public static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
