package net.v6broker.ca;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tunnel broker's certificate authority: a CA certificate and key that issue OpenVPN server
 * and client certificates and CRLs.
 *
 * <p>Certificates and CRLs are DER-encoded by hand ({@link Der}) and signed with the JDK's own
 * providers, so a CLI command that loads the CA and issues one certificate loads no third-party
 * class: Bouncy Castle's signed jar alone would cost 100-300 ms of start-up. An EC CA that issues
 * many certificates in one JVM switches to Bouncy Castle's faster P-256 arithmetic after
 * {@value #FAST_ENGINE_AFTER} certificates (see {@link BcP256KeyEngine}).
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

    private static final byte[] VERSION_3 = Der.explicit(0, Der.integer(2));
    private static final byte[] VERSION_2 = Der.integer(1);
    private static final byte[] COMMON_NAME = Der.oid("2.5.4.3");
    private static final byte[] SUBJECT_KEY_IDENTIFIER = Der.oid("2.5.29.14");
    private static final byte[] KEY_USAGE = Der.oid("2.5.29.15");
    private static final byte[] BASIC_CONSTRAINTS = Der.oid("2.5.29.19");
    private static final byte[] CRL_NUMBER = Der.oid("2.5.29.20");
    private static final byte[] AUTHORITY_KEY_IDENTIFIER = Der.oid("2.5.29.35");
    private static final byte[] EXTENDED_KEY_USAGE = Der.oid("2.5.29.37");

    // KeyUsage bit numbers (RFC 5280, section 4.2.1.3)
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private static final byte[] END_ENTITY_CONSTRAINTS =
            extension(BASIC_CONSTRAINTS, true, Der.sequence());
    private static final byte[] CA_CONSTRAINTS =
            extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0)));
    private static final byte[] CA_KEY_USAGE =
            extension(KEY_USAGE, true, Der.namedBits(KEY_CERT_SIGN, CRL_SIGN));
    private static final byte[] EKU_SERVER = extension(EXTENDED_KEY_USAGE, false,
            Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1")));
    private static final byte[] EKU_CLIENT = extension(EXTENDED_KEY_USAGE, false,
            Der.sequence(Der.oid("1.3.6.1.5.5.7.3.2")));

    private final KeyType keyType;
    private final X509Certificate certificate;
    private final byte[] certificateDer;
    private final PrivateKey privateKey;
    private final Clock clock;
    private final SecureRandom random;
    /** Issuer of everything this CA signs: the CA certificate's subject exactly as encoded. */
    private final byte[] issuer;
    private final byte[] signatureAlgorithm;
    private final byte[] authorityKeyIdentifier;
    private final byte[] endEntityKeyUsage;
    private final int fastEngineAfter;
    private final AtomicInteger issuedCount = new AtomicInteger();
    private volatile KeyEngine engine;

    private CertificateAuthority(KeyType keyType, X509Certificate certificate, PrivateKey privateKey,
            Clock clock, SecureRandom random, int fastEngineAfter) {
        this.keyType = keyType;
        this.fastEngineAfter = fastEngineAfter;
        this.certificate = certificate;
        this.certificateDer = encoded(certificate);
        this.privateKey = privateKey;
        this.clock = clock;
        this.random = random;
        this.issuer = certificate.getSubjectX500Principal().getEncoded();
        this.signatureAlgorithm = KeyAlgorithms.signatureAlgorithm(keyType);
        this.authorityKeyIdentifier = extension(AUTHORITY_KEY_IDENTIFIER, false,
                Der.sequence(Der.tlv(0x80, caKeyIdentifier(certificate))));
        this.endEntityKeyUsage = extension(KEY_USAGE, true, keyType.isRsa()
                ? Der.namedBits(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT)
                : Der.namedBits(DIGITAL_SIGNATURE, KEY_AGREEMENT));
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
        byte[] name = name(commonName);
        Instant now = clock.instant();
        byte[] tbs = Der.sequence(VERSION_3, Der.integer(randomSerial(random)),
                KeyAlgorithms.signatureAlgorithm(type), name,
                validityPeriod(now, validity), name, key.getPublic().getEncoded(),
                Der.explicit(3, Der.sequence(CA_CONSTRAINTS, CA_KEY_USAGE,
                        subjectKeyIdentifier(KeyAlgorithms.publicKeyBits(key.getPublic())))));
        byte[] signature;
        try {
            Signature signer = KeyAlgorithms.signer(type, key.getPrivate(), random);
            signer.update(tbs);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot self-sign CA certificate CN=" + commonName + ": "
                    + e.getMessage(), e);
        }
        X509Certificate certificate = toCertificate(
                Der.sequence(tbs, KeyAlgorithms.signatureAlgorithm(type), Der.bitString(signature)),
                "CA CN=" + commonName);
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
            KeyAlgorithms.checkMatches(type, key, certificate.getPublicKey(), random);
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
        List<byte[]> fields = new ArrayList<>(List.of(VERSION_2, signatureAlgorithm, issuer,
                Der.time(now), Der.time(notAfter(now, nextUpdate))));
        if (!revoked.isEmpty()) {
            Set<BigInteger> seen = new HashSet<>();
            byte[][] entries = new byte[revoked.size()][];
            for (int i = 0; i < entries.length; i++) {
                RevokedEntry entry = Objects.requireNonNull(revoked.get(i), "revoked entry");
                if (!seen.add(entry.serial())) {
                    throw new IllegalArgumentException("serial " + entry.serial().toString(16)
                            + " is listed more than once in the revocation list");
                }
                entries[i] = Der.sequence(Der.integer(entry.serial()), Der.time(entry.revokedAt()));
            }
            fields.add(Der.sequence(entries));
        }
        fields.add(Der.explicit(0, Der.sequence(
                extension(CRL_NUMBER, false, Der.integer(crlNumber)), authorityKeyIdentifier)));
        return Pem.write("X509 CRL", signed(engine, Der.sequence(fields.toArray(new byte[0][])),
                "CRL number " + crlNumber));
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

    private IssuedCertificate issue(String commonName, Duration validity, byte[] extendedKeyUsage,
            String kind) {
        checkName(commonName);
        checkValidity(validity);
        String what = kind + " certificate CN=" + commonName;
        KeyEngine keys = engineForNextCertificate();
        GeneratedKey key = keys.generate();
        Instant now = clock.instant();
        byte[] tbs = Der.sequence(VERSION_3, Der.integer(randomSerial(random)), signatureAlgorithm,
                issuer, validityPeriod(now, validity), name(commonName), key.subjectPublicKeyInfo(),
                Der.explicit(3, Der.sequence(END_ENTITY_CONSTRAINTS, endEntityKeyUsage,
                        extendedKeyUsage, subjectKeyIdentifier(key.publicKeyBits()),
                        authorityKeyIdentifier)));
        return new IssuedCertificate(toCertificate(signed(keys, tbs, what), what), key.privateKey());
    }

    /**
     * The engine for the next certificate. An EC CA starts on the JDK engine, which loads nothing
     * outside the JDK, and switches to the faster Bouncy Castle engine once it has issued
     * {@link #FAST_ENGINE_AFTER} certificates in this JVM, where the one-off cost of loading Bouncy
     * Castle pays for itself.
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
     * the JDK is as fast) or if Bouncy Castle is not on the class path. Package-private for tests.
     *
     * @return the engine in use afterwards
     */
    synchronized KeyEngine switchToFastEngine() {
        if (keyType == KeyType.EC_P256 && engine instanceof JdkKeyEngine) {
            try {
                engine = BcP256KeyEngine.create(privateKey, random);
            } catch (LinkageError e) {
                // Bouncy Castle missing or broken: stay on the JDK engine, slower but correct.
            }
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

    /** The complete signed structure (certificate or CRL) around {@code tbs}. */
    private byte[] signed(KeyEngine keys, byte[] tbs, String what) {
        return Der.sequence(tbs, signatureAlgorithm, Der.bitString(keys.sign(tbs, what)));
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
    private static byte[] name(String cn) {
        return Der.sequence(Der.set(Der.sequence(COMMON_NAME, Der.utf8String(cn))));
    }

    private static byte[] validityPeriod(Instant now, Duration validity) {
        return Der.sequence(Der.time(now.minus(CLOCK_SKEW)), Der.time(notAfter(now, validity)));
    }

    private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(oid, Der.bool(true), Der.octetString(value))
                : Der.sequence(oid, Der.octetString(value));
    }

    /** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
    private static byte[] subjectKeyIdentifier(byte[] publicKeyBits) {
        return extension(SUBJECT_KEY_IDENTIFIER, false,
                Der.octetString(digest("SHA-1", publicKeyBits)));
    }

    /** The CA's own subject key identifier, or one computed by RFC 5280 method 1 if it has none. */
    private static byte[] caKeyIdentifier(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue("2.5.29.14");
        if (extension == null) {
            return digest("SHA-1", KeyAlgorithms.publicKeyBits(ca.getPublicKey()));
        }
        try {
            byte[] ski = new Der.Reader(extension).read(Der.OCTET_STRING);
            return new Der.Reader(ski).read(Der.OCTET_STRING);
        } catch (CaException e) {
            throw new CaException("CA certificate has a malformed subject key identifier: "
                    + e.getMessage(), e);
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

    private static X509Certificate toCertificate(byte[] der, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new CaException("the JDK rejected the newly signed " + what + ": " + e.getMessage(), e);
        }
    }
}
