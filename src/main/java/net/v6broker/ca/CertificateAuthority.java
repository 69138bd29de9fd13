package net.v6broker.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x509.V2TBSCertListGenerator;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
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
    /** 9999-12-31T23:59:59Z, the last time X.509 can encode (not parsed: that loads java.time's formatters). */
    private static final Instant LATEST_TIME = Instant.ofEpochSecond(253_402_300_799L);
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

    private final KeyType keyType;
    /** The CA certificate as Bouncy Castle reads it; the JDK's form is parsed only when asked for. */
    private final X509CertificateHolder holder;
    private final byte[] certificateDer;
    private final PublicKey publicKey;
    /** The CA certificate's subject, for messages. */
    private final String subject;
    private final PrivateKey privateKey;
    private final Clock clock;
    private final SecureRandom random;
    /** Issuer of everything this CA signs: the CA certificate's subject exactly as encoded. */
    private final X500Name issuer;
    private final AlgorithmIdentifier signatureAlgorithm;
    private final Extension authorityKeyIdentifier;
    private final Extension endEntityKeyUsage;
    private final AtomicInteger issuedCount = new AtomicInteger();
    private volatile KeyEngine engine;
    /** Set once a signature of this CA verified under its certificate (see {@link #signer}). */
    private volatile boolean keyProven;
    private volatile X509Certificate certificate;
    /** The CA this one succeeds during a rollover: still trusted, still signing its CRL; null otherwise. */
    private final CertificateAuthority predecessor;

    private CertificateAuthority(KeyType keyType, X509CertificateHolder holder, PublicKey publicKey,
            PrivateKey privateKey, Clock clock, SecureRandom random) {
        this(keyType, holder, publicKey, privateKey, clock, random, null);
    }

    private CertificateAuthority(KeyType keyType, X509CertificateHolder holder, PublicKey publicKey,
            PrivateKey privateKey, Clock clock, SecureRandom random, CertificateAuthority predecessor) {
        this.predecessor = predecessor;
        this.keyType = keyType;
        this.holder = holder;
        this.certificateDer = encoded(holder, "CA certificate");
        this.publicKey = publicKey;
        this.subject = holder.getSubject().toString();
        this.privateKey = privateKey;
        this.clock = clock;
        this.random = random;
        this.issuer = holder.getSubject();
        this.signatureAlgorithm = KeyAlgorithms.signatureAlgorithm(keyType);
        this.authorityKeyIdentifier = extension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(caKeyIdentifier(holder)));
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
                X509Time.of(now.minus(CLOCK_SKEW)), X509Time.of(notAfter(now, validity)), name, publicKey);
        TbsSigner selfSigner = new TbsSigner(KeyAlgorithms.signatureAlgorithm(type), tbs -> {
            try {
                Signature signer = KeyAlgorithms.signer(type, key.getPrivate(), random);
                signer.update(tbs);
                return signer.sign();
            } catch (GeneralSecurityException e) {
                throw new CaException("cannot self-sign " + what + ": " + e.getMessage(), e);
            }
        });
        X509CertificateHolder certificate = sign(builder,
                List.of(CA_CONSTRAINTS, CA_KEY_USAGE, subjectKeyIdentifier(publicKey)), selfSigner, what);
        CertificateAuthority ca = new CertificateAuthority(type, certificate, key.getPublic(), key.getPrivate(),
                clock, random);
        ca.keyProven = true; // it signed its own certificate with the key it was just given
        return ca;
    }

    /**
     * Loads a CA from its stored PEM certificate and private key.
     *
     * @throws CaException if either PEM is unreadable, the certificate is not a CA certificate,
     *     its key is not EC P-256, RSA 2048 or RSA 3072, or the private key does not match it
     */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem, Clock clock,
            SecureRandom random) {
        return load(certificatePem, privateKeyPem, clock, random, false);
    }

    /**
     * As {@link #load(String, String, Clock, SecureRandom)}, for a caller that knows already that the
     * key belongs to the certificate ({@code keyProven}: it recorded that for these very two files,
     * see {@link #keyProven()}); the CA's first signature is then not verified again, which saves an
     * ECDSA verification in a {@code client add} (docs/decisions.md, 18).
     */
    public static CertificateAuthority load(String certificatePem, String privateKeyPem, Clock clock,
            SecureRandom random, boolean keyProven) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        X509CertificateHolder certificate = Pem.readCertificateHolder(certificatePem);
        PrivateKey key = Pem.readPrivateKey(privateKeyPem);
        String subject = certificate.getSubject().toString();
        BasicConstraints constraints;
        try {
            constraints = BasicConstraints.fromExtensions(certificate.getExtensions());
        } catch (IllegalArgumentException e) {
            throw new CaException("certificate " + subject + " has malformed basic constraints: " + e.getMessage(), e);
        }
        if (constraints == null || !constraints.isCA()) {
            throw new CaException("certificate " + subject + " is not a CA certificate (no CA:TRUE)");
        }
        KeyType type;
        PublicKey publicKey;
        try {
            publicKey = Pem.publicKey(certificate.getSubjectPublicKeyInfo());
            type = KeyAlgorithms.typeOf(publicKey);
            KeyAlgorithms.checkMatches(type, key, publicKey);
        } catch (CaException e) {
            throw new CaException("cannot load CA " + subject + ": " + e.getMessage(), e);
        }
        CertificateAuthority ca = new CertificateAuthority(type, certificate, publicKey, key, clock, random);
        ca.keyProven = keyProven;
        return ca;
    }

    /**
     * Whether the CA key is known to belong to the CA certificate: a CA just created, one loaded
     * with {@code keyProven}, or one whose signature verified under the certificate.
     */
    public boolean keyProven() {
        return keyProven;
    }

    /**
     * Proves now that the key belongs to the certificate, with one signature verified under it
     * (the daemon's check at start, so that a wrong key is found then, not at the first change).
     *
     * @throws CaException if the key does not match
     */
    public void proveKey() {
        if (keyProven) {
            return;
        }
        byte[] probe = ("v6broker key check of " + subject).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] signature = engine.sign(probe, "the key check");
        try {
            KeyAlgorithms.checkSignature(keyType, privateKey, publicKey, probe, signature);
        } catch (CaException e) {
            throw new CaException("cannot use CA " + subject + ": " + e.getMessage(), e);
        }
        keyProven = true;
    }

    /**
     * Checks a server's certificate and key against this CA: the certificate is signed by this CA,
     * valid at {@code now}, and its key is the private half of its public key (one signature).
     *
     * @throws CaException naming what is wrong
     */
    public void checkServer(String certificatePem, String privateKeyPem, Instant now) {
        X509CertificateHolder server = Pem.readCertificateHolder(certificatePem);
        PrivateKey key = Pem.readPrivateKey(privateKeyPem);
        try {
            if (!server.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(publicKey))) {
                throw new CaException("the server certificate " + server.getSubject() + " is not signed by the CA " + subject);
            }
        } catch (org.bouncycastle.cert.CertException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new CaException("cannot verify the server certificate under the CA " + subject + ": " + e.getMessage(), e);
        }
        if (!server.isValidOn(Date.from(now))) {
            throw new CaException("the server certificate " + server.getSubject() + " is not valid now (valid "
                    + server.getNotBefore().toInstant() + " to " + server.getNotAfter().toInstant() + ")");
        }
        PublicKey serverKey = Pem.publicKey(server.getSubjectPublicKeyInfo());
        KeyType type = KeyAlgorithms.typeOf(serverKey);
        KeyAlgorithms.checkMatches(type, key, serverKey);
        try {
            Signature signer = KeyAlgorithms.signer(type, key, random);
            byte[] probe = "v6broker server key check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            signer.update(probe);
            KeyAlgorithms.checkSignature(type, key, serverKey, probe, signer.sign());
        } catch (GeneralSecurityException e) {
            throw new CaException("cannot sign with the server key: " + e.getMessage(), e);
        } catch (CaException e) {
            throw new CaException("the server key does not belong to the server certificate " + server.getSubject(), e);
        }
    }

    /**
     * The CA certificate as the JDK reads it, parsed on first use: loading the CA for a command
     * does not need the JDK's X.509 classes (docs/decisions.md, 18).
     */
    public X509Certificate certificate() {
        X509Certificate c = certificate;
        if (c == null) {
            c = Pem.certificate(certificateDer, "CA certificate " + subject);
            certificate = c;
        }
        return c;
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
        return issue(commonName, validity, EKU_SERVER, "server", null);
    }

    /**
     * Issues a client certificate: as {@link #issueServer} but with extendedKeyUsage clientAuth.
     *
     * @throws IllegalArgumentException for an invalid name or validity
     */
    public IssuedCertificate issueClient(String commonName, Duration validity) {
        return issue(commonName, validity, EKU_CLIENT, "client", null);
    }

    /**
     * As {@link #issueClient(String, Duration)}, for a key made beforehand with {@link GeneratedKey#generate}: a
     * command that adds one client makes its key while the CA is still loading.
     *
     * @throws IllegalArgumentException for an invalid name or validity, or a key not of this CA's type
     */
    public IssuedCertificate issueClient(String commonName, Duration validity, GeneratedKey key) {
        Objects.requireNonNull(key, "key");
        if (key.type() != keyType) {
            throw new IllegalArgumentException("a " + key.type().cliName() + " key cannot be certified by this "
                    + keyType.cliName() + " CA");
        }
        return issue(commonName, validity, EKU_CLIENT, "client", key);
    }


    /**
     * This CA during a rollover from {@code predecessor}: it issues every new certificate, and its
     * CRLs come with the predecessor's ({@link #issueCrlPem}), since OpenVPN checks each client
     * certificate against a CRL of its own issuer (docs/decisions.md 32).
     */
    public CertificateAuthority succeeding(CertificateAuthority predecessor) {
        Objects.requireNonNull(predecessor, "predecessor");
        CertificateAuthority ca = new CertificateAuthority(keyType, holder, publicKey, privateKey, clock, random, predecessor);
        ca.keyProven = keyProven;
        return ca;
    }

    /** The CA this one succeeds while a rollover is under way. */
    public java.util.Optional<CertificateAuthority> predecessor() {
        return java.util.Optional.ofNullable(predecessor);
    }

    /** Whether {@code certificate} bears this CA's signature. */
    public boolean signed(X509Certificate certificate) {
        try {
            certificate.verify(publicKey);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
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
        String own = ownCrlPem(revoked, crlNumber, nextUpdate);
        // during a rollover the predecessor's CRL follows: one file, both issuers (OpenVPN loads every CRL in it)
        return predecessor == null ? own : own + predecessor.issueCrlPem(revoked, crlNumber, nextUpdate);
    }

    private String ownCrlPem(List<RevokedEntry> revoked, BigInteger crlNumber, Duration nextUpdate) {
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(crlNumber, "crlNumber");
        if (crlNumber.signum() < 0 || crlNumber.bitLength() > 159) {
            throw new IllegalArgumentException("CRL number must be in 0..2^159-1, got " + crlNumber);
        }
        checkValidity(nextUpdate);
        Instant now = clock.instant();
        String what = "CRL number " + crlNumber;
        TbsSigner signer = signer(engine, what);
        // Bouncy Castle's X509v2CRLBuilder takes each revocation date as a java.util.Date and formats
        // it through a new SimpleDateFormat: two thirds of a 10,000-entry CRL's time. The generator
        // under it takes Times, which X509Time writes directly (docs/decisions.md, 21).
        V2TBSCertListGenerator tbs = new V2TBSCertListGenerator();
        tbs.setSignature(signer.getAlgorithmIdentifier());
        tbs.setIssuer(issuer);
        tbs.setThisUpdate(X509Time.of(now));
        tbs.setNextUpdate(X509Time.of(notAfter(now, nextUpdate)));
        Set<BigInteger> seen = new HashSet<>(2 * revoked.size());
        for (RevokedEntry entry : revoked) {
            Objects.requireNonNull(entry, "revoked entry");
            if (!seen.add(entry.serial())) {
                throw new IllegalArgumentException("serial " + entry.serial().toString(16)
                        + " is listed more than once in the revocation list");
            }
            tbs.addCRLEntry(new ASN1Integer(entry.serial()), X509Time.of(entry.revokedAt()), (Extensions) null);
        }
        try {
            tbs.setExtensions(new Extensions(new Extension[] {extension(Extension.cRLNumber, false, new CRLNumber(crlNumber)),
                    authorityKeyIdentifier}));
            TBSCertList list = tbs.generateTBSCertList();
            signer.getOutputStream().write(list.getEncoded(ASN1Encoding.DER));
            CertificateList crl = CertificateList.getInstance(new DERSequence(new ASN1Encodable[] {list,
                    signer.getAlgorithmIdentifier(), new DERBitString(signer.getSignature())}));
            return Pem.write("X509 CRL", crl.getEncoded(ASN1Encoding.DER));
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
        return "CertificateAuthority[" + subject + ", "
                + keyType.cliName() + "]";
    }

    /** Issues a certificate for {@code key}, or for a new key of the engine's when it is null. */
    private IssuedCertificate issue(String commonName, Duration validity, Extension extendedKeyUsage,
            String kind, GeneratedKey given) {
        checkName(commonName);
        checkValidity(validity);
        String what = kind + " certificate CN=" + commonName;
        KeyEngine keys = engineForNextCertificate();
        GeneratedKey key = given != null ? given : keys.generate();
        Instant now = clock.instant();
        BigInteger serial = randomSerial(random);
        // as X509Time encodes them: whole seconds
        Instant notBefore = now.minus(CLOCK_SKEW).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notAfter(now, validity).truncatedTo(ChronoUnit.SECONDS);
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial, X509Time.of(notBefore),
                X509Time.of(notAfter), name(commonName), key.publicKey());
        byte[] der = encoded(sign(builder, List.of(END_ENTITY_CONSTRAINTS, endEntityKeyUsage, extendedKeyUsage,
                subjectKeyIdentifier(key.publicKey()), authorityKeyIdentifier), signer(keys, what), what), what);
        return new IssuedCertificate(der, serial, notBefore, notAfter, key.privateKey());
    }

    /**
     * The engine for the next certificate. An EC CA starts on the JDK engine and switches to the
     * faster Bouncy Castle engine once it has issued {@link #FAST_ENGINE_AFTER} certificates in
     * this JVM, where the one-off cost of setting that engine up pays for itself.
     */
    private KeyEngine engineForNextCertificate() {
        KeyEngine current = engine;
        if (current instanceof JdkKeyEngine && keyType == KeyType.EC_P256
                && issuedCount.incrementAndGet() == FAST_ENGINE_AFTER) {
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

    /** Name of the engine in use, for tests. */
    String engineName() {
        return engine.name();
    }

    /**
     * Signs with {@code keys}; the CA's first signature is also verified under the CA certificate's
     * public key, which proves that the CA key belongs to the certificate (docs/decisions.md, 17)
     * before anything signed leaves this class. Doing it here rather than at load costs one
     * verification instead of a cold signature plus one.
     */
    private TbsSigner signer(KeyEngine keys, String what) {
        return new TbsSigner(signatureAlgorithm, tbs -> {
            byte[] signature = keys.sign(tbs, what);
            if (!keyProven) {
                try {
                    KeyAlgorithms.checkSignature(keyType, privateKey, publicKey, tbs, signature);
                } catch (CaException e) {
                    throw new CaException("cannot use CA " + subject + ": "
                            + e.getMessage(), e);
                }
                keyProven = true;
            }
            return signature;
        });
    }

    /** Adds {@code extensions} in order and signs with {@code signer}. */
    private static X509CertificateHolder sign(X509v3CertificateBuilder builder, List<Extension> extensions,
            TbsSigner signer, String what) {
        try {
            for (Extension extension : extensions) {
                builder.addExtension(extension);
            }
            X509CertificateHolder holder = builder.build(signer);
            return holder;
        } catch (IOException e) {
            throw new CaException("cannot encode " + what + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encoded(X509CertificateHolder holder, String what) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw new CaException("cannot encode " + what + ": " + e.getMessage(), e);
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
    private static byte[] caKeyIdentifier(X509CertificateHolder ca) {
        SubjectKeyIdentifier identifier;
        try {
            identifier = SubjectKeyIdentifier.fromExtensions(ca.getExtensions());
        } catch (IllegalArgumentException e) {
            throw new CaException("CA certificate has a malformed subject key identifier: "
                    + e.getMessage(), e);
        }
        if (identifier == null) {
            return keyIdentifiers().createSubjectKeyIdentifier(ca.getSubjectPublicKeyInfo()).getKeyIdentifier();
        }
        return identifier.getKeyIdentifier();
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
}
