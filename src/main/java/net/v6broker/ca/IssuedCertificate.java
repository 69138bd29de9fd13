package net.v6broker.ca;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A freshly issued certificate together with its newly generated private key.
 *
 * <p>Immutable (X509Certificate and the JDK's private keys are immutable), therefore thread-safe.
 *
 * @param certificate the signed certificate
 * @param privateKey its private key; must be encodable as PKCS#8
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        if (!"PKCS#8".equals(privateKey.getFormat())) {
            throw new IllegalArgumentException(
                    "private key must be PKCS#8-encodable, format is " + privateKey.getFormat());
        }
        String certAlg = certificate.getPublicKey().getAlgorithm();
        if (!certAlg.equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("private key algorithm " + privateKey.getAlgorithm()
                    + " does not match certificate key algorithm " + certAlg);
        }
    }

    /** The certificate's serial number. */
    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}), ending with a newline. */
    public String certificatePem() {
        try {
            return Pem.write("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new CaException("cannot encode certificate serial " + serial().toString(16), e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public String privateKeyPem() {
        return Pem.write("PRIVATE KEY", privateKey.getEncoded());
    }
}
