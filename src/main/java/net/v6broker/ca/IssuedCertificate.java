package net.v6broker.ca;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A freshly issued certificate together with its newly generated private key. Made only by
 * {@link CertificateAuthority}.
 *
 * <p>Kept as its DER encoding with the fields the broker stores (serial, validity), as the CA wrote
 * them; the JDK's {@link X509Certificate} is parsed only when asked for: parsing every certificate
 * slowed the import and loaded the JDK's X.509 classes in every {@code client add}
 * (docs/decisions.md, 18).
 *
 * <p>Immutable, therefore thread-safe.
 */
public final class IssuedCertificate {
    private final byte[] der;
    private final BigInteger serial;
    private final Instant notBefore;
    private final Instant notAfter;
    private final PrivateKey privateKey;
    private volatile X509Certificate parsed;

    /** @param der the certificate as the CA encoded it; kept, not copied */
    IssuedCertificate(byte[] der, BigInteger serial, Instant notBefore, Instant notAfter, PrivateKey privateKey) {
        this.der = Objects.requireNonNull(der, "der");
        this.serial = Objects.requireNonNull(serial, "serial");
        this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
        this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    }

    /** The certificate's serial number. */
    public BigInteger serial() {
        return serial;
    }

    /** notBefore, as encoded: whole seconds. */
    public Instant notBefore() {
        return notBefore;
    }

    /** notAfter, as encoded: whole seconds. */
    public Instant notAfter() {
        return notAfter;
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate as the JDK reads it, parsed on first use. */
    public X509Certificate certificate() {
        X509Certificate c = parsed;
        if (c == null) {
            c = Pem.certificate(der, "certificate serial " + serial.toString(16));
            parsed = c;
        }
        return c;
    }

    /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}), ending with a newline. */
    public String certificatePem() {
        return Pem.write("CERTIFICATE", der);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public String privateKeyPem() {
        return Pem.write("PRIVATE KEY", privateKey.getEncoded());
    }
}
