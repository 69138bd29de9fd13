package net.v6broker.ca;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Key generation, signature algorithms and key checks for the {@link KeyType}s with the JDK's own
 * providers (SunEC, SunRsaSign). For RSA the JDK measured as fast as Bouncy Castle; for P-256
 * Bouncy Castle is much faster once warmed up (see {@link BcP256KeyEngine}), but slower for the
 * first certificate in a JVM, which is all a one-certificate CLI command issues.
 *
 * <p>Stateless apart from immutable constants, therefore thread-safe.
 */
final class KeyAlgorithms {

    /**
     * The signature algorithms, in a holder of their own: Bouncy Castle's OID classes build their
     * OIDs by string concatenation, whose first use in a JVM has a set-up cost, and
     * {@link GeneratedKey#generate} (run by {@code client add} while the CA loads) needs none of
     * them (docs/decisions.md, 18).
     */
    private static final class Signatures {
        /** ecdsa-with-SHA256 (RFC 5758, section 3.2): no parameters. */
        static final AlgorithmIdentifier ECDSA_WITH_SHA256 =
                new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        /** sha256WithRSAEncryption (RFC 4055, section 5): parameters NULL. */
        static final AlgorithmIdentifier SHA256_WITH_RSA =
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    }

    private KeyAlgorithms() {
    }

    /** A key pair generator for {@code type}, initialised with {@code random}. */
    static KeyPairGenerator generator(KeyType type, SecureRandom random) {
        try {
            KeyPairGenerator generator;
            AlgorithmParameterSpec spec;
            if (type.isRsa()) {
                generator = KeyPairGenerator.getInstance("RSA");
                spec = new RSAKeyGenParameterSpec(type.rsaBits(), RSAKeyGenParameterSpec.F4);
            } else {
                generator = KeyPairGenerator.getInstance("EC");
                spec = new ECGenParameterSpec("secp256r1");
            }
            generator.initialize(spec, random);
            return generator;
        } catch (GeneralSecurityException e) {
            throw new CaException("this JDK cannot generate " + type.cliName() + " keys: "
                    + e.getMessage(), e);
        }
    }

    /** A {@link Signature} for CA signatures with {@code key}, initialised for signing. */
    static Signature signer(KeyType type, PrivateKey key, SecureRandom random) {
        try {
            Signature signature = Signature.getInstance(signatureName(type));
            signature.initSign(key, random);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot sign with the " + type.cliName() + " CA key: "
                    + e.getMessage(), e);
        }
    }

    static String signatureName(KeyType type) {
        return type.isRsa() ? "SHA256withRSA" : "SHA256withECDSA";
    }

    /** The AlgorithmIdentifier of {@link #signatureName} as certificates and CRLs carry it. */
    static AlgorithmIdentifier signatureAlgorithm(KeyType type) {
        return type.isRsa() ? Signatures.SHA256_WITH_RSA : Signatures.ECDSA_WITH_SHA256;
    }

    /**
     * The key type of a CA public key.
     *
     * @throws CaException if it is none of P-256, RSA 2048, RSA 3072
     */
    static KeyType typeOf(PublicKey key) {
        if (key instanceof ECPublicKey) {
            if (isP256(((ECPublicKey) key).getParams())) {
                return KeyType.EC_P256;
            }
            throw new CaException("unsupported EC curve: supported are EC P-256, RSA 2048 and RSA 3072");
        }
        if (key instanceof RSAPublicKey) {
            int bits = ((RSAPublicKey) key).getModulus().bitLength();
            if (bits == 2048) {
                return KeyType.RSA_2048;
            }
            if (bits == 3072) {
                return KeyType.RSA_3072;
            }
            throw new CaException("unsupported " + bits
                    + "-bit RSA key: supported are EC P-256, RSA 2048 and RSA 3072");
        }
        throw new CaException("unsupported " + key.getAlgorithm()
                + " key: supported are EC P-256, RSA 2048 and RSA 3072");
    }

    /**
     * Checks what can be checked without cryptography: an RSA private key's modulus and exponent
     * against the certificate's; an EC key's curve. Whether an EC private key belongs to the
     * certificate needs a signature: {@link #checkSignature} on the CA's first one.
     *
     * @throws CaException if {@code privateKey} is not of {@code type} or, for RSA, not the
     *     private half of {@code publicKey}
     */
    static void checkMatches(KeyType type, PrivateKey privateKey, PublicKey publicKey) {
        if (type.isRsa()) {
            if (!(privateKey instanceof RSAPrivateKey)) {
                throw mismatch(privateKey);
            }
            RSAPublicKey rsa = (RSAPublicKey) publicKey;
            boolean matches = ((RSAPrivateKey) privateKey).getModulus().equals(rsa.getModulus());
            if (privateKey instanceof RSAPrivateCrtKey) {
                matches &= ((RSAPrivateCrtKey) privateKey).getPublicExponent()
                        .equals(rsa.getPublicExponent());
            }
            if (!matches) {
                throw mismatch(privateKey);
            }
            return;
        }
        if (!(privateKey instanceof ECPrivateKey) || !isP256(((ECPrivateKey) privateKey).getParams())) {
            throw mismatch(privateKey);
        }
    }

    /**
     * Proves that {@code privateKey} is the private half of {@code publicKey}: {@code signature}, made
     * with the private key over {@code data}, must verify under the public key. (The JDK cannot derive
     * an EC public key from a private one.)
     *
     * @throws CaException if it does not verify
     */
    static void checkSignature(KeyType type, PrivateKey privateKey, PublicKey publicKey, byte[] data,
            byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(signatureName(type));
            verifier.initVerify(publicKey);
            verifier.update(data);
            if (!verifier.verify(signature)) {
                throw mismatch(privateKey);
            }
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot check the CA private key against its certificate: "
                    + e.getMessage(), e);
        }
    }

    private static CaException mismatch(PrivateKey privateKey) {
        return new CaException("private key (" + privateKey.getAlgorithm()
                + ") does not match the CA certificate's public key");
    }

    /** The JDK's domain parameters of P-256 (secp256r1). */
    static ECParameterSpec p256() {
        return P256.SPEC;
    }

    private static boolean isP256(ECParameterSpec params) {
        ECParameterSpec p256 = P256.SPEC;
        return params != null && params.getCurve().equals(p256.getCurve())
                && params.getGenerator().equals(p256.getGenerator())
                && params.getOrder().equals(p256.getOrder())
                && params.getCofactor() == p256.getCofactor();
    }

    /** Lazily initialised so RSA-only use never sets up curve parameters. */
    private static final class P256 {
        static final ECParameterSpec SPEC = load();

        private static ECParameterSpec load() {
            try {
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                return params.getParameterSpec(ECParameterSpec.class);
            } catch (GeneralSecurityException e) {
                throw new CaException("this JDK does not support curve secp256r1: " + e.getMessage(), e);
            }
        }
    }
}
