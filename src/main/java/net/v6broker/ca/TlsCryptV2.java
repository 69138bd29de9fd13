package net.v6broker.ca;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * OpenVPN's client-specific tls-crypt keys ({@code --tls-crypt-v2}, OpenVPN's
 * {@code doc/tls-crypt-v2.txt}), made here rather than by {@code openvpn --genkey}.
 *
 * <p>The server key is 128 bytes: AES-256-CTR key {@code Ke} in bytes 0..31 and HMAC-SHA256 key
 * {@code Ka} in bytes 64..95 (the first 256 bits of each of its two 512-bit halves, as OpenVPN
 * loads a {@code struct key}). A client key is 256 random bytes {@code Kc}, and a client key file
 * holds {@code Kc || WKc}, where
 * <pre>
 *   len = length of WKc, 16 bits, network order
 *   T   = HMAC-SHA256(Ka, len || Kc || metadata)
 *   WKc = T || AES-256-CTR(Ke, IV = first 16 bytes of T, Kc || metadata) || len
 * </pre>
 * Both are PEM text with OpenVPN's headers. The metadata's first byte is its type: 0x00 for user
 * data (what v6broker writes: {@link Metadata}), 0x01 for a timestamp (what {@code openvpn --genkey}
 * writes without metadata).
 *
 * <p>Stateless; thread-safe as far as the supplied SecureRandom is.
 */
public final class TlsCryptV2 {
    static final String SERVER_PEM = "OpenVPN tls-crypt-v2 server key";
    static final String CLIENT_PEM = "OpenVPN tls-crypt-v2 client key";
    static final int SERVER_KEY_BYTES = 128;
    static final int CLIENT_KEY_BYTES = 256;
    private static final int TAG_BYTES = 32;
    /** OpenVPN's TLS_CRYPT_V2_MAX_WKC_LEN: a larger wrapped key is refused. */
    static final int MAX_WKC_BYTES = 1024;
    /** The metadata a wrapped key can carry, its type byte included. */
    public static final int MAX_METADATA_BYTES = MAX_WKC_BYTES - (CLIENT_KEY_BYTES + TAG_BYTES + 2);
    public static final int TYPE_USER = 0x00;
    public static final int TYPE_TIMESTAMP = 0x01;

    private TlsCryptV2() {
    }

    /** A fresh server key, as {@code openvpn --genkey tls-crypt-v2-server} writes one. */
    public static String generateServerKey(SecureRandom random) {
        byte[] key = new byte[SERVER_KEY_BYTES];
        random.nextBytes(key);
        return pem(SERVER_PEM, key);
    }

    /** A client key and what its wrapped part carries. */
    public record Unwrapped(byte[] clientKey, byte[] metadata) {
        /** The metadata's type byte: {@link #TYPE_USER} or {@link #TYPE_TIMESTAMP} (others are allowed). */
        public int type() {
            return metadata.length == 0 ? -1 : metadata[0] & 0xff;
        }

        /** The metadata after its type byte. */
        public byte[] payload() {
            return metadata.length == 0 ? metadata : Arrays.copyOfRange(metadata, 1, metadata.length);
        }
    }

    /**
     * A new client key file (PEM) for {@code serverKeyPem}, carrying {@code metadata} (its type byte
     * first).
     *
     * @throws IllegalArgumentException when the server key is not one or the metadata is too long
     */
    public static String wrapClientKey(String serverKeyPem, byte[] metadata, SecureRandom random) {
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.length > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("tls-crypt-v2 metadata of " + metadata.length + " bytes: at most "
                    + MAX_METADATA_BYTES);
        }
        byte[] server = unpem(SERVER_PEM, serverKeyPem, SERVER_KEY_BYTES);
        byte[] kc = new byte[CLIENT_KEY_BYTES];
        random.nextBytes(kc);
        int wkcLength = TAG_BYTES + CLIENT_KEY_BYTES + metadata.length + 2;
        byte[] len = {(byte) (wkcLength >> 8), (byte) wkcLength};
        byte[] plain = concat(kc, metadata);
        byte[] tag = hmac(server, len, plain);
        byte[] wkc = concat(tag, ctr(server, tag, plain), len);
        return pem(CLIENT_PEM, concat(kc, wkc));
    }

    /**
     * Reads a client key file as the server does: unwraps its WKc with the server key and checks
     * that the key inside is the one the file starts with.
     *
     * @throws IllegalArgumentException naming what is wrong: not a client key, a length that does not
     *                                  add up, or a tag that does not authenticate (tampered, or made
     *                                  for another server key)
     */
    public static Unwrapped unwrapClientKey(String serverKeyPem, String clientKeyPem) {
        byte[] server = unpem(SERVER_PEM, serverKeyPem, SERVER_KEY_BYTES);
        byte[] file = unpem(CLIENT_PEM, clientKeyPem, -1);
        if (file.length < CLIENT_KEY_BYTES + TAG_BYTES + 2) {
            throw new IllegalArgumentException("a tls-crypt-v2 client key of " + file.length + " bytes is too short");
        }
        byte[] kc = Arrays.copyOf(file, CLIENT_KEY_BYTES);
        byte[] wkc = Arrays.copyOfRange(file, CLIENT_KEY_BYTES, file.length);
        Unwrapped u = unwrap(server, wkc);
        if (!MessageDigest.isEqual(kc, u.clientKey())) {
            throw new IllegalArgumentException("the client key in the file is not the one its wrapped part carries");
        }
        return u;
    }

    /** Unwraps a WKc as OpenVPN's {@code tls_crypt_v2_unwrap_client_key} does. */
    static Unwrapped unwrap(byte[] server, byte[] wkc) {
        if (wkc.length > MAX_WKC_BYTES || wkc.length < TAG_BYTES + CLIENT_KEY_BYTES + 2) {
            throw new IllegalArgumentException("a wrapped client key of " + wkc.length + " bytes: accepted "
                    + (TAG_BYTES + CLIENT_KEY_BYTES + 2) + " to " + MAX_WKC_BYTES);
        }
        int declared = ((wkc[wkc.length - 2] & 0xff) << 8) | (wkc[wkc.length - 1] & 0xff);
        if (declared != wkc.length) {
            throw new IllegalArgumentException("the wrapped client key says it is " + declared + " bytes long but is "
                    + wkc.length);
        }
        byte[] tag = Arrays.copyOf(wkc, TAG_BYTES);
        byte[] plain = ctr(server, tag, Arrays.copyOfRange(wkc, TAG_BYTES, wkc.length - 2));
        byte[] check = hmac(server, Arrays.copyOfRange(wkc, wkc.length - 2, wkc.length), plain);
        if (!MessageDigest.isEqual(tag, check)) {
            throw new IllegalArgumentException("the wrapped client key does not authenticate: tampered with, or made for "
                    + "another tls-crypt-v2 server key");
        }
        return new Unwrapped(Arrays.copyOf(plain, CLIENT_KEY_BYTES), Arrays.copyOfRange(plain, CLIENT_KEY_BYTES, plain.length));
    }

    /**
     * What v6broker puts in a client key: user metadata ({@link #TYPE_USER}) of the ASCII text
     * {@code v6b1 ID SERIAL NOTAFTER} (the client's id, its certificate's serial in hex and the
     * key's not-after as Unix seconds), which the server's verify hook reads.
     */
    public record Metadata(long clientId, String serial, long notAfterEpoch) {
        private static final String TAG = "v6b1";

        public Metadata {
            if (clientId < 0 || serial == null || !serial.matches("[0-9A-Fa-f]{1,64}") || notAfterEpoch < 0) {
                throw new IllegalArgumentException("tls-crypt-v2 metadata of client " + clientId + ", serial " + serial);
            }
        }

        public byte[] bytes() {
            byte[] text = (TAG + " " + clientId + " " + serial.toUpperCase(java.util.Locale.ROOT) + " " + notAfterEpoch)
                    .getBytes(StandardCharsets.US_ASCII);
            return concat(new byte[] {TYPE_USER}, text);
        }

        /** The metadata of a key v6broker made; empty for any other (another type, or other text). */
        public static java.util.Optional<Metadata> of(Unwrapped u) {
            if (u.type() != TYPE_USER) {
                return java.util.Optional.empty();
            }
            String[] f = new String(u.payload(), StandardCharsets.US_ASCII).split(" ", -1);
            if (f.length != 4 || !f[0].equals(TAG) || !f[1].matches("[0-9]{1,18}") || !f[3].matches("[0-9]{1,18}")
                    || !f[2].matches("[0-9A-F]{1,64}")) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Metadata(Long.parseLong(f[1]), f[2], Long.parseLong(f[3])));
        }
    }

    // ---- crypto and PEM

    private static byte[] hmac(byte[] server, byte[] len, byte[] plain) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(server, 64, 32, "HmacSHA256"));
            mac.update(len);
            return mac.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** AES-256-CTR with the first 16 bytes of the tag as the initial counter block (it is its own inverse). */
    private static byte[] ctr(byte[] server, byte[] tag, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(server, 0, 32, "AES"), new IvParameterSpec(tag, 0, 16));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR is missing from this JVM", e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /** PEM as OpenVPN writes it: base64 in lines of 64 characters between its BEGIN and END lines. */
    static String pem(String name, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + name + "-----\n" + b64 + "\n-----END " + name + "-----\n";
    }

    /** The bytes of a PEM block of this name; {@code expected} bytes exactly, or any number when negative. */
    static byte[] unpem(String name, String text, int expected) {
        String begin = "-----BEGIN " + name + "-----";
        String end = "-----END " + name + "-----";
        int b = text == null ? -1 : text.indexOf(begin);
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new IllegalArgumentException("not an " + name + " (no '" + begin + "' and '" + end + "' lines)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("the " + name + " is not base64: " + ex.getMessage(), ex);
        }
        if (expected >= 0 && bytes.length != expected) {
            throw new IllegalArgumentException("an " + name + " holds " + expected + " bytes; this one " + bytes.length);
        }
        return bytes;
    }
}
