package net.v6broker.ca;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A newly generated key pair in the forms issuing needs.
 *
 * <p>Immutable (the arrays are never modified after construction), therefore thread-safe.
 *
 * @param subjectPublicKeyInfo DER SubjectPublicKeyInfo of the public key
 * @param publicKeyBits its subjectPublicKey BIT STRING contents, input of the key identifier
 * @param privateKey the private key, as a JDK key
 */
record GeneratedKey(byte[] subjectPublicKeyInfo, byte[] publicKeyBits, PrivateKey privateKey) {

    GeneratedKey {
        Objects.requireNonNull(subjectPublicKeyInfo, "subjectPublicKeyInfo");
        Objects.requireNonNull(publicKeyBits, "publicKeyBits");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
