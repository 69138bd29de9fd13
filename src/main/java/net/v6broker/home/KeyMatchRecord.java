package net.v6broker.home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.v6broker.config.Home;

/**
 * The record, {@code ca/key-matches-cert} (mode 0600: it is derived from the key), that the CA key
 * in ca.key belongs to the certificate in ca.crt: the SHA-256 of the two files as they were when
 * that was established (by {@code init}, or by a signature of the key verified under the
 * certificate). A cache, not a trust decision: when either file changes it no longer matches and the
 * key is proven again. It spares every later command one signature check (docs/decisions.md, 18).
 */
final class KeyMatchRecord {
    private KeyMatchRecord() {
    }

    /** Whether the home records these very contents of ca.crt and ca.key as matching. */
    static boolean recorded(Home home, String certificatePem, String keyPem) {
        try {
            return Files.readString(home.caKeyMatch()).equals(line(certificatePem, keyPem));
        } catch (IOException e) {
            return false; // none yet, or unreadable: the key is proven again
        }
    }

    /** Records that the key {@code keyPem} belongs to the certificate {@code certificatePem}. */
    static void record(Home home, String certificatePem, String keyPem) {
        Home.writeAtomically(home.caKeyMatch(), line(certificatePem, keyPem), Home.PRIVATE);
    }

    private static String line(String certificatePem, String keyPem) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(certificatePem.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(keyPem.getBytes(StandardCharsets.UTF_8));
            return "sha256 " + HexFormat.of().formatHex(sha256.digest()) + "\n";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK lacks SHA-256", e);
        }
    }
}
