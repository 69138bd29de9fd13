package net.v6broker.ca;

import java.security.PrivateKey;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A newly generated key pair in the forms issuing needs. Made only in this package (by the key
 * engines and {@link #generate}), so that its two halves always belong together.
 *
 * <p>Immutable (Bouncy Castle's ASN.1 objects and the JDK's private keys are not modified after
 * construction), therefore thread-safe.
 */
public final class GeneratedKey {
    private final KeyType type;
    private final SubjectPublicKeyInfo publicKey;
    private final PrivateKey privateKey;

    GeneratedKey(KeyType type, SubjectPublicKeyInfo publicKey, PrivateKey privateKey) {
        this.type = Objects.requireNonNull(type, "type");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * A new key pair of {@code type}, made with the JDK; needs no CA. Here rather than on
     * {@link CertificateAuthority}, whose class initialisation (its extensions, Bouncy Castle's OID
     * classes) would otherwise run on the caller's thread, where {@code client add} wants it on the
     * CA's (docs/decisions.md, 18).
     */
    public static GeneratedKey generate(KeyType type, java.security.SecureRandom random) {
        return JdkKeyEngine.generate(type, KeyAlgorithms.generator(type, random));
    }

    /** What kind of key it is. */
    public KeyType type() {
        return type;
    }

    /** The public key as it goes into the certificate. */
    SubjectPublicKeyInfo publicKey() {
        return publicKey;
    }

    /** The private key, as a JDK key. */
    PrivateKey privateKey() {
        return privateKey;
    }
}
