package net.v6broker.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPrivateKeySpec;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.util.encoders.Hex;

/**
 * P-256 key generation and SHA256withECDSA signing with Bouncy Castle's lightweight API (its
 * specialised P-256 arithmetic and fixed-base comb multiplier): several times faster than SunEC
 * on JDK 17 (docs/decisions.md). No JCA provider is instantiated or registered. Private keys handed
 * out are ordinary SunEC keys, so callers cannot tell the engines apart.
 *
 * <p>Its first use in a JVM is slower than SunEC's (it builds its comb tables and loads its curve
 * classes), so
 * {@link CertificateAuthority} switches to it only once a CA has issued many certificates.
 *
 * <p>Thread-safe: curve constants are immutable, key generators are created per call, and
 * signers are lent out exclusively from a pool.
 */
final class BcP256KeyEngine implements KeyEngine {

    private static final ECCurve CURVE = new SecP256R1Curve();
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE,
            CURVE.decodePoint(Hex.decodeStrict("04"
                    + "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                    + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")),
            CURVE.getOrder(), CURVE.getCofactor());
    private static final AlgorithmIdentifier P256_ALGORITHM = new AlgorithmIdentifier(
            X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1);

    private final SecureRandom random;
    private final InstancePool<DSADigestSigner> signers;

    private BcP256KeyEngine(PrivateKey caKey, SecureRandom random) {
        this.random = random;
        ECPrivateKeyParameters key = new ECPrivateKeyParameters(((ECPrivateKey) caKey).getS(), DOMAIN);
        this.signers = new InstancePool<>(() -> {
            DSADigestSigner signer = new DSADigestSigner(new ECDSASigner(), new SHA256Digest());
            signer.init(true, new ParametersWithRandom(key, random));
            return signer;
        });
    }

    /**
     * An engine for the P-256 CA key {@code caKey}. Declared to return the interface so that
     * callers' bytecode verification does not load this class and its curve classes early.
     */
    static KeyEngine create(PrivateKey caKey, SecureRandom random) {
        return new BcP256KeyEngine(caKey, random);
    }

    @Override
    public GeneratedKey generate() {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(DOMAIN, random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        BigInteger d = ((ECPrivateKeyParameters) pair.getPrivate()).getD();
        byte[] point = ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false);
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(d, KeyAlgorithms.p256()));
        } catch (GeneralSecurityException e) {
            throw new CaException("the JDK rejected a generated P-256 private key: " + e.getMessage(), e);
        }
        return new GeneratedKey(KeyType.EC_P256, new SubjectPublicKeyInfo(P256_ALGORITHM, point), privateKey);
    }

    @Override
    public byte[] sign(byte[] data, String what) {
        return signers.use("signing " + what, signer -> {
            signer.update(data, 0, data.length);
            return signer.generateSignature();
        });
    }

    @Override
    public String name() {
        return "bouncycastle-p256";
    }
}
