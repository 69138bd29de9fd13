package net.v6broker.ca;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;

/**
 * A one-shot {@link ContentSigner} for Bouncy Castle's certificate and CRL builders: collects the
 * DER-encoded to-be-signed structure the builder writes and signs it with a {@link KeyEngine}
 * (or, for the self-signed CA certificate, a one-off JDK signature). Unlike Bouncy Castle's
 * {@code JcaContentSignerBuilder}, which creates and initialises a new JCA {@code Signature} per
 * certificate, this reuses the engine's pooled signers, which is what makes bulk issuing fast.
 *
 * <p>Not thread-safe: create one per certificate or CRL.
 */
final class TbsSigner implements ContentSigner {

    /** Signs the complete to-be-signed encoding. */
    interface Signing {
        byte[] sign(byte[] tbs);
    }

    private final AlgorithmIdentifier algorithm;
    private final Signing signing;
    private final ByteArrayOutputStream tbs = new ByteArrayOutputStream(512);

    /**
     * @param algorithm the signature algorithm {@code signing} implements, written into the
     *     certificate or CRL
     */
    TbsSigner(AlgorithmIdentifier algorithm, Signing signing) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.signing = Objects.requireNonNull(signing, "signing");
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
    }

    @Override
    public OutputStream getOutputStream() {
        return tbs;
    }

    /** @throws CaException if signing fails */
    @Override
    public byte[] getSignature() {
        return signing.sign(tbs.toByteArray());
    }
}
