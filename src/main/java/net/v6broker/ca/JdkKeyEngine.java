package net.v6broker.ca;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * Key generation and signing with the JDK's own providers (SunEC, SunRsaSign). Loads nothing
 * outside the JDK, so it is what a one-certificate CLI command uses.
 *
 * <p>Thread-safe: generators and signers are lent out exclusively from pools.
 */
final class JdkKeyEngine implements KeyEngine {

    private final Pool<KeyPairGenerator> generators;
    private final Pool<Signature> signers;

    JdkKeyEngine(KeyType type, PrivateKey caKey, SecureRandom random) {
        this.generators = new Pool<>(() -> KeyAlgorithms.generator(type, random));
        this.signers = new Pool<>(() -> KeyAlgorithms.signer(type, caKey, random));
    }

    @Override
    public GeneratedKey generate() {
        KeyPair pair = generators.use("generating a key pair", KeyPairGenerator::generateKeyPair);
        return new GeneratedKey(pair.getPublic().getEncoded(),
                KeyAlgorithms.publicKeyBits(pair.getPublic()), pair.getPrivate());
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
