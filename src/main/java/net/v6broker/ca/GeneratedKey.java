package net.v6broker.ca;

import java.security.PrivateKey;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * A newly generated key pair in the forms issuing needs.
 *
 * <p>Immutable (Bouncy Castle's ASN.1 objects and the JDK's private keys are not modified after
 * construction), therefore thread-safe.
 *
 * @param publicKey the public key as it goes into the certificate
 * @param privateKey the private key, as a JDK key
 */
record GeneratedKey(SubjectPublicKeyInfo publicKey, PrivateKey privateKey) {

    GeneratedKey {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
