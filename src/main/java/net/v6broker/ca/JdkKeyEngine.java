package net.v6broker.ca;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Key generation and signing with the JDK's own providers (SunEC, SunRsaSign): the engine of every
 * RSA CA, where the JDK is as fast as Bouncy Castle, and of an EC CA's first certificates in a
 * JVM, for which SunEC is quicker than Bouncy Castle's first use.
 *
 * <p>Thread-safe: generators and signers are lent out exclusively from pools.
 */
final class JdkKeyEngine implements KeyEngine {

    private final KeyType type;
    private final InstancePool<KeyPairGenerator> generators;
    private final InstancePool<Signature> signers;

    JdkKeyEngine(KeyType type, PrivateKey caKey, SecureRandom random) {
        this.type = type;
        this.generators = new InstancePool<>(() -> KeyAlgorithms.generator(type, random));
        this.signers = new InstancePool<>(() -> KeyAlgorithms.signer(type, caKey, random));
    }

    @Override
    public GeneratedKey generate() {
        return generators.use("generating a key pair", generator -> generate(type, generator));
    }

    /** A new key pair of {@code type} from {@code generator}, which must make keys of that type. */
    static GeneratedKey generate(KeyType type, KeyPairGenerator generator) {
        KeyPair pair = generator.generateKeyPair();
        return new GeneratedKey(type, SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()),
                pair.getPrivate());
    }

    @Override
    public byte[] sign(byte[] data, String what) {
        return signers.use("signing " + what, signer -> {
            signer.update(data);
            return signer.sign();
        });
    }

    @Override
    public String name() {
        return "jdk";
    }
}
