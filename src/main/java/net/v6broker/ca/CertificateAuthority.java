package net.v6broker.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The tunnel broker's certificate authority: a CA certificate and key that issue OpenVPN server
 * and client certificates and CRLs.
 *
 * <p>Certificates and CRLs are built with Bouncy Castle's {@code bcpkix} builders and signed through
 * a {@link KeyEngine}: the JDK's providers for RSA, and for EC first the JDK's and, after
 * {@value #FAST_ENGINE_AFTER} certificates in one JVM, Bouncy Castle's faster P-256 arithmetic
 * (see {@link BcP256KeyEngine}).
 *
 * <p>Thread-safe: all fields are immutable, volatile or otherwise thread-safe, and signers and
 * key generators are lent out exclusively from pools, so {@link #issueClient} (and every other
 * method) may be called from many threads at once. The injected {@link SecureRandom} is shared by
 * all threads and must itself be thread-safe (the JDK's are).
 */
public final class CertificateAuthority {

    /** notBefore is back-dated by this much to tolerate clients whose clocks run slow. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int SERIAL_BITS = 127;
    private static final int MAX_NAME_LENGTH = 64;
    private static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z");
    /** An EC CA switches to the Bouncy Castle engine after issuing this many certificates. */
    static final int FAST_ENGINE_AFTER = 50;

    private static final Extension CA_CONSTRAINTS =
            extension(Extension.basicConstraints, true, new BasicConstraints(0)); // CA:TRUE, pathlen 0
    private static final Extension CA_KEY_USAGE = extension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    private static final Extension END_ENTITY_CONSTRAINTS =
            extension(Extension.basicConstraints, true, new BasicConstraints(false));
    private static final Extension EKU_SERVER = extension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    private static final Extension EKU_CLIENT = extension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    private final KeyType keyType;
    private final X509Certificate certificate;
    private final byte[] certificateDer;
    private final PrivateKey privateKey;
    private final Clock clock;
    private final SecureRandom random;
    /** Issuer of everything this CA signs: the CA certificate's subject exactly as encoded. */
    private final X500Name issuer;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final Extension authorityKeyIdentifier;
    private final Extension endEntityKeyUsage;
    private final int fastEngineAfter;
    private final AtomicInteger issuedCount = new AtomicInteger();
    private volatile KeyEngine engine;
    /** Set once a signature of this CA verified under its certificate (see {@link #signer}). */
    private volatile boolean keyProven;

    private CertificateAuthority(KeyType keyType, X509Certificate certificate, PrivateKey privateKey,
            Clock clock, SecureRandom random, int fastEngineAfter) {
        this.keyType = keyType;
        this.fastEngineAfter = fastEngineAfter;
        this.certificate = certificate;
        this.certificateDer = encoded(certificate);
        this.privateKey = privateKey;
        this.clock = clock;
        this.random = random;
        this.issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        this.signatureAlgorithm = KeyAlgorithms.signatureAlgorithm(keyType);
        this.authorityKeyIdentifier = extension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(caKeyIdentifier(certificate)));
        this.endEntityKeyUsage = extension(Extension.keyUsage, true, keyType.isRsa()
                ? new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        this.engine = new JdkKeyEngine(keyType, privateKey, random);
    }

    /**
     * Creates a new self-signed CA: subject and issuer {@code CN=commonName}, basicConstraints
     * critical CA:TRUE with pathlen 0, keyUsage critical keyCertSign and cRLSign, and a subject key
     * identifier.
     *
     * @param commonName 1..64 characters of {@code [A-Za-z0-9._-]}
     * @param validity how long from now the CA certificate stays valid; positive
     * @throws IllegalArgumentException for an invalid name or validity
     */
    public static CertificateAuthority create(KeyType type, String commonName, Duration validity,
            Clock clock, SecureRandom random) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        checkName(commonName);
        checkValidity(validity);
        KeyPair key = KeyAlgorithms.generator(type, random).generateKeyPair();
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        X500Name name = name(commonName);
        Instant now = clock.instant();
        String what = "CA certificate CN=" + commonName;
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, randomSerial(random),
                time(now.minus(CLOCK_SKEW)), time(notAfter(now, validity)), name, publicKey);
        TbsSigner selfSigner = new TbsSigner(KeyAlgorithms.signatureAlgorithm(type), tbs -> {
            try {
                Signature signer = KeyAlgorithms.signer(type, key.getPrivate(), random);
                signer.update(tbs);
                return signer.sign();
            } catch (GeneralSecurityException e) {
                throw new CaException("cannot self-sign " + what + ": " + e.getMessage(), e);
            }
        });
        X509Certificate certificate = build(builder,
                List.of(CA_CONSTRAINTS, CA_KEY_USAGE, subjectKeyIdentifier(publicKey)), selfSigner, what);
        return new CertificateAuthority(type, certificate, key.getPrivate(), clock, random,
                FAST_ENGINE_AFTER);
    }

    /**
     * Loads a CA from its stored PEM certificate and private key.
     *
     * @throws CaException if either PEM is unreadable, the certificate is not a CA certificate,
     *     its key is not EC P-256, RSA 2048 or RSA 3072, or the private key does not match it
     */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem, Clock clock,
            SecureRandom random) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        X509Certificate certificate = Pem.readCertificate(certificatePem);
        PrivateKey key = Pem.readPrivateKey(privateKeyPem);
        String subject = certificate.getSubjectX500Principal().getName();
        if (certificate.getBasicConstraints() < 0) {
            throw new CaException("certificate " + subject + " is not a CA certificate (no CA:TRUE)");
        }
        KeyType type;
        try {
            type = KeyAlgorithms.typeOf(certificate.getPublicKey());
            KeyAlgorithms.checkMatches(type, key, certificate.getPublicKey());
        } catch (CaException e) {
            throw new CaException("cannot load CA " + subject + ": " + e.getMessage(), e);
        }
        return new CertificateAuthority(type, certificate, key, clock, random, FAST_ENGINE_AFTER);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, ending with a newline. */
    public String certificatePem() {
        return Pem.write("CERTIFICATE", certificateDer);
    }

    /** The CA private key as unencrypted PKCS#8 PEM. */
    public String privateKeyPem() {
        return Pem.write("PRIVATE KEY", privateKey.getEncoded());
    }

    public KeyType keyType() {
        return keyType;
    }

    /**
     * Issues an OpenVPN server certificate with a new key of the CA's key type: subject
     * {@code CN=commonName}, basicConstraints critical CA:FALSE, keyUsage critical digitalSignature
     * plus keyEncipherment (RSA) or keyAgreement (EC), extendedKeyUsage serverAuth, subject and
     * authority key identifiers, notBefore now - 5 minutes, notAfter now + {@code validity}.
     *
     * @throws IllegalArgumentException for an invalid name or validity
     */
    public IssuedCertificate issueServer(String commonName, Duration validity) {
        return issue(commonName, validity, EKU_SERVER, "server");
    }

    /**
     * Issues a client certificate: as {@link #issueServer} but with extendedKeyUsage clientAuth.
     *
     * @throws IllegalArgumentException for an invalid name or validity
     */
    public IssuedCertificate issueClient(String commonName, Duration validity) {
        return issue(commonName, validity, EKU_CLIENT, "client");
    }

    /**
     * Issues a v2 CRL signed by this CA, as PEM ({@code -----BEGIN X509 CRL-----}): issuer the CA
     * certificate's encoded subject, thisUpdate now, nextUpdate now + {@code nextUpdate}, CRL
     * number and authority key identifier extensions, and one entry (without reason code) per
     * revoked serial. Times are truncated to whole seconds.
     *
     * @param crlNumber non-negative, at most 20 octets; should increase with each CRL issued
     * @throws IllegalArgumentException if a serial is listed twice or an argument is out of range
     */
    public String issueCrlPem(List<RevokedEntry> revoked, BigInteger crlNumber, Duration nextUpdate) {
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(crlNumber, "crlNumber");
        if (crlNumber.signum() < 0 || crlNumber.bitLength() > 159) {
            throw new IllegalArgumentException("CRL number must be in 0..2^159-1, got " + crlNumber);
        }
        checkValidity(nextUpdate);
        Instant now = clock.instant();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer, time(now));
        builder.setNextUpdate(time(notAfter(now, nextUpdate)));
        Set<BigInteger> seen = new HashSet<>();
        for (RevokedEntry entry : revoked) {
            Objects.requireNonNull(entry, "revoked entry");
            if (!seen.add(entry.serial())) {
                throw new IllegalArgumentException("serial " + entry.serial().toString(16)
                        + " is listed more than once in the revocation list");
            }
            builder.addCRLEntry(entry.serial(), date(entry.revokedAt()), (Extensions) null);
        }
        String what = "CRL number " + crlNumber;
        KeyEngine keys = engine;
        try {
            builder.addExtension(extension(Extension.cRLNumber, false, new CRLNumber(crlNumber)));
            builder.addExtension(authorityKeyIdentifier);
            return Pem.write("X509 CRL", builder.build(signer(keys, what)).getEncoded());
        } catch (IOException e) {
            throw new CaException("cannot encode " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * SHA-256 fingerprint of the CA certificate, upper-case hex pairs separated by colons, as
     * {@code openssl x509 -noout -fingerprint -sha256} prints it.
     */
    public String fingerprintSha256() {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest("SHA-256", certificateDer));
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + ", "
                + keyType.cliName() + "]";
    }

    private IssuedCertificate issue(String commonName, Duration validity, Extension extendedKeyUsage,
            String kind) {
        checkName(commonName);
        checkValidity(validity);
        String what = kind + " certificate CN=" + commonName;
        KeyEngine keys = engineForNextCertificate();
        GeneratedKey key = keys.generate();
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, randomSerial(random),
                time(now.minus(CLOCK_SKEW)), time(notAfter(now, validity)), name(commonName),
                key.publicKey());
        X509Certificate certificate = build(builder, List.of(END_ENTITY_CONSTRAINTS,
                endEntityKeyUsage, extendedKeyUsage, subjectKeyIdentifier(key.publicKey()),
                authorityKeyIdentifier), signer(keys, what), what);
        return new IssuedCertificate(certificate, key.privateKey());
    }

    /**
     * The engine for the next certificate. An EC CA starts on the JDK engine and switches to the
     * faster Bouncy Castle engine once it has issued {@link #FAST_ENGINE_AFTER} certificates in
     * this JVM, where the one-off cost of setting that engine up pays for itself.
     */
    private KeyEngine engineForNextCertificate() {
        KeyEngine current = engine;
        if (current instanceof JdkKeyEngine && keyType == KeyType.EC_P256 && fastEngineAfter > 0
                && issuedCount.incrementAndGet() == fastEngineAfter) {
            current = switchToFastEngine();
        }
        return current;
    }

    /**
     * Switches an EC CA to the Bouncy Castle engine now; stays on the JDK engine for RSA (where
     * the JDK is as fast). Package-private for tests.
     *
     * @return the engine in use afterwards
     */
    synchronized KeyEngine switchToFastEngine() {
        if (keyType == KeyType.EC_P256 && engine instanceof JdkKeyEngine) {
            engine = BcP256KeyEngine.create(privateKey, random);
        }
        return engine;
    }

    /** A copy of this CA that never switches to the Bouncy Castle engine by itself; for benchmarks. */
    CertificateAuthority withoutAutomaticEngineSwitch() {
        return new CertificateAuthority(keyType, certificate, privateKey, clock, random, -1);
    }

    /** Name of the engine in use, for tests. */
    String engineName() {
        return engine.name();
    }

    /**
     * Signs with {@code keys}; the CA's first signature is also verified under the CA certificate's
     * public key, which proves that the CA key belongs to the certificate (docs/decisions.md, 17)
     * before anything signed leaves this class. Doing it here rather than at load costs one
     * verification instead of a cold signature plus one, some 10 ms of every {@code client add}.
     */
    private TbsSigner signer(KeyEngine keys, String what) {
        return new TbsSigner(signatureAlgorithm, tbs -> {
            byte[] signature = keys.sign(tbs, what);
            if (!keyProven) {
                try {
                    KeyAlgorithms.checkSignature(keyType, privateKey, certificate.getPublicKey(), tbs, signature);
                } catch (CaException e) {
                    throw new CaException("cannot use CA " + certificate.getSubjectX500Principal().getName() + ": "
                            + e.getMessage(), e);
                }
                keyProven = true;
            }
            return signature;
        });
    }

    /**
     * Adds {@code extensions} in order, signs with {@code signer} and hands the result to the JDK,
     * whose {@link X509Certificate} is what callers get.
     */
    private static X509Certificate build(X509v3CertificateBuilder builder, List<Extension> extensions,
            TbsSigner signer, String what) {
        try {
            for (Extension extension : extensions) {
                builder.addExtension(extension);
            }
            X509CertificateHolder holder = builder.build(signer);
            return CONVERTER.getCertificate(holder);
        } catch (IOException e) {
            throw new CaException("cannot encode " + what + ": " + e.getMessage(), e);
        } catch (CertificateException e) {
            throw new CaException("the JDK rejected the newly signed " + what + ": " + e.getMessage(), e);
        }
    }

    /** A uniformly random positive serial of at most 127 bits (a DER INTEGER of at most 16 octets). */
    static BigInteger randomSerial(SecureRandom random) {
        BigInteger serial;
        do {
            serial = new BigInteger(SERIAL_BITS, random);
        } while (serial.signum() == 0);
        return serial;
    }

    /** The distinguished name {@code CN=cn}, the common name as UTF8String like OpenSSL writes it. */
    private static X500Name name(String cn) {
        return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(cn))});
    }

    /**
     * An X.509 Time as RFC 5280 (section 4.1.2.5) requires, which Bouncy Castle's {@link Time}
     * writes: whole seconds (truncated), UTCTime for years 1950-2049 and GeneralizedTime otherwise.
     *
     * @throws IllegalArgumentException for years outside 0001-9999
     */
    static Time time(Instant instant) {
        return new Time(date(instant));
    }

    /** {@code instant} as a {@link Date} for the builders, after the same check as {@link #time}. */
    private static Date date(Instant instant) {
        int year = instant.atOffset(ZoneOffset.UTC).getYear();
        if (year < 1 || year > 9999) {
            throw new IllegalArgumentException("time " + instant + " cannot be encoded in X.509");
        }
        return Date.from(instant);
    }

    /** An extension with Bouncy Castle's DER encoding of {@code value}. */
    private static Extension extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            return Extension.create(oid, critical, value);
        } catch (IOException e) {
            throw new CaException("cannot encode extension " + oid + ": " + e.getMessage(), e);
        }
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
    private static Extension subjectKeyIdentifier(SubjectPublicKeyInfo publicKey) {
        return extension(Extension.subjectKeyIdentifier, false,
                keyIdentifiers().createSubjectKeyIdentifier(publicKey));
    }

    /** The CA's own subject key identifier, or one computed by RFC 5280 method 1 if it has none. */
    private static byte[] caKeyIdentifier(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension == null) {
            return keyIdentifiers().createSubjectKeyIdentifier(ca.getPublicKey()).getKeyIdentifier();
        }
        try {
            return SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
                    .getKeyIdentifier();
        } catch (IOException | IllegalArgumentException e) {
            throw new CaException("CA certificate has a malformed subject key identifier: "
                    + e.getMessage(), e);
        }
    }

    /** Not thread-safe (it buffers what it digests), hence one per use. */
    private static JcaX509ExtensionUtils keyIdentifiers() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (NoSuchAlgorithmException e) {
            throw new CaException("this JDK lacks SHA-1, needed for key identifiers", e);
        }
    }

    /** Names are validated by callers too; this guards the certificate against anything else. */
    private static void checkName(String name) {
        Objects.requireNonNull(name, "commonName");
        boolean ok = !name.isEmpty() && name.length() <= MAX_NAME_LENGTH;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
        }
        if (!ok) {
            throw new IllegalArgumentException("invalid common name '" + name
                    + "': expected 1.." + MAX_NAME_LENGTH + " characters of [A-Za-z0-9._-]");
        }
    }

    private static void checkValidity(Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
    }

    private static Instant notAfter(Instant now, Duration validity) {
        if (validity.compareTo(Duration.between(now, LATEST_TIME)) > 0) {
            throw new IllegalArgumentException("validity " + validity + " from " + now
                    + " ends after " + LATEST_TIME);
        }
        return now.plus(validity);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new CaException("this JDK lacks " + algorithm, e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new CaException("cannot encode CA certificate "
                    + certificate.getSubjectX500Principal().getName(), e);
        }
    }
}
