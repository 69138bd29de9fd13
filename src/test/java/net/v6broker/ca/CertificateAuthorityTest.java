package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static CertificateAuthority ca(KeyType type) {
        return CertificateAuthority.create(type, "Test-CA.v6", Duration.ofDays(3650), CLOCK, RANDOM);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "RSA_2048"})
    void createsSelfSignedCaCertificateWithCaExtensions(KeyType type) throws Exception {
        CertificateAuthority ca = ca(type);
        X509Certificate cert = ca.certificate();

        assertThat(ca.keyType()).isEqualTo(type);
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=Test-CA.v6"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        cert.verify(cert.getPublicKey());
        assertThat(cert.getBasicConstraints()).isZero(); // CA:TRUE, pathlen 0
        assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(cert.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
        assertThat(Arrays.copyOfRange(cert.getKeyUsage(), 7, 9)).containsOnly(false);
        assertThat(subjectKeyIdentifier(cert)).hasSize(20);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(cert.getSigAlgName()).isEqualTo(type == KeyType.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA");
        assertThat(cert.getSerialNumber()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void issuesClientCertificateForClientAuthOnly(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("Test-CA.v6", CLOCK, RANDOM);
        KeyType type = variant.type;

        IssuedCertificate issued = ca.issueClient("alice_01", Duration.ofDays(825));
        X509Certificate cert = issued.certificate();

        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=alice_01"));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertEndEntity(ca, issued, type);
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void issuesServerCertificateForServerAuthOnly(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("Test-CA.v6", CLOCK, RANDOM);
        KeyType type = variant.type;

        IssuedCertificate issued = ca.issueServer("vpn.example.net", Duration.ofDays(825));

        issued.certificate().verify(ca.certificate().getPublicKey());
        assertThat(issued.certificate().getSubjectX500Principal()).isEqualTo(new X500Principal("CN=vpn.example.net"));
        assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertEndEntity(ca, issued, type);
    }

    private static void assertEndEntity(CertificateAuthority ca, IssuedCertificate issued, KeyType type)
            throws Exception {
        X509Certificate cert = issued.certificate();
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1); // CA:FALSE
        assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(cert.getNonCriticalExtensionOIDs())
                .containsExactlyInAnyOrder("2.5.29.37", "2.5.29.14", "2.5.29.35");
        boolean rsa = type != KeyType.EC_P256;
        // digitalSignature(0), keyEncipherment(2) for RSA, keyAgreement(4) for EC
        assertThat(cert.getKeyUsage()).startsWith(true, false, rsa, false, !rsa, false, false);
        assertThat(Arrays.copyOfRange(cert.getKeyUsage(), 7, 9)).containsOnly(false);
        assertThat(authorityKeyIdentifier(cert)).isEqualTo(subjectKeyIdentifier(ca.certificate()));
        assertThat(subjectKeyIdentifier(cert)).isEqualTo(MessageDigest.getInstance("SHA-1")
                .digest(SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded())
                        .getPublicKeyData().getOctets()));
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(825)));
        assertThat(issued.serial()).isEqualTo(cert.getSerialNumber()).isPositive();
        assertThat(issued.serial().bitLength()).isLessThanOrEqualTo(127);
        assertThat(issued.privateKey().getAlgorithm()).isEqualTo(ca.certificate().getPublicKey().getAlgorithm());
        assertThat(KeyAlgorithms.typeOf(cert.getPublicKey())).isEqualTo(type);
        assertKeyPair(issued.privateKey(), cert.getPublicKey());
        assertThat(cert.getSigAlgName()).isEqualTo(ca.certificate().getSigAlgName());
    }

    @Test
    void issuesRsa3072KeysFromAnRsa3072Ca() throws Exception {
        CertificateAuthority ca = ca(KeyType.RSA_3072);

        IssuedCertificate issued = ca.issueClient("bob", Duration.ofDays(1));

        assertThat(ca.keyType()).isEqualTo(KeyType.RSA_3072);
        assertThat(((RSAPublicKey) ca.certificate().getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        assertThat(((RSAPublicKey) issued.certificate().getPublicKey()).getModulus().bitLength()).isEqualTo(3072);
        issued.certificate().verify(ca.certificate().getPublicKey());
    }

    @Test
    void issuesUniquePositiveSerialsAcrossAThousandCertificates() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        Set<BigInteger> serials = new HashSet<>();
        serials.add(ca.certificate().getSerialNumber());

        for (int i = 0; i < 1000; i++) {
            BigInteger serial = ca.issueClient("c" + i, Duration.ofDays(1)).serial();
            assertThat(serial).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(127);
            serials.add(serial);
        }

        assertThat(serials).hasSize(1001);
    }

    @Test
    void issuesValidCertificatesFromManyThreadsAtOnce() throws Exception {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<List<IssuedCertificate>>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<IssuedCertificate> out = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        out.add(ca.issueClient("t" + thread + "-" + i, Duration.ofDays(1)));
                    }
                    return out;
                }));
            }
            Set<BigInteger> serials = new HashSet<>();
            for (Future<List<IssuedCertificate>> f : futures) {
                for (IssuedCertificate issued : f.get()) {
                    issued.certificate().verify(ca.certificate().getPublicKey());
                    assertKeyPair(issued.privateKey(), issued.certificate().getPublicKey());
                    serials.add(issued.serial());
                }
            }
            assertThat(serials).hasSize(200);
            assertThat(ca.engineName()).isEqualTo("bouncycastle-p256");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void switchesEcCaToBouncyCastleEngineAfterFiftyCertificates() throws Exception {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        for (int i = 1; i < CertificateAuthority.FAST_ENGINE_AFTER; i++) {
            ca.issueClient("c" + i, Duration.ofDays(1));
        }
        assertThat(ca.engineName()).isEqualTo("jdk");

        IssuedCertificate fiftieth = ca.issueClient("c50", Duration.ofDays(1));

        assertThat(ca.engineName()).isEqualTo("bouncycastle-p256");
        fiftieth.certificate().verify(ca.certificate().getPublicKey());
        assertKeyPair(fiftieth.privateKey(), fiftieth.certificate().getPublicKey());
    }

    @Test
    void keepsRsaCaOnJdkEngine() {
        CertificateAuthority ca = ca(KeyType.RSA_2048);

        assertThat(ca.switchToFastEngine().name()).isEqualTo("jdk");
    }

    @Test
    void startsLoadedCaOnJdkEngine() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        ca.switchToFastEngine();

        CertificateAuthority loaded = CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem(), CLOCK, RANDOM);

        assertThat(loaded.engineName()).isEqualTo("jdk");
    }

    @Test
    void bouncyCastleEngineWritesKeysIdenticalInFormToTheJdks() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        IssuedCertificate jdk = ca.issueClient("a", Duration.ofDays(1));
        ca.switchToFastEngine();
        IssuedCertificate bc = ca.issueClient("b", Duration.ofDays(1));

        assertThat(bc.privateKey().getFormat()).isEqualTo(jdk.privateKey().getFormat());
        assertThat(bc.privateKey().getClass()).isEqualTo(jdk.privateKey().getClass());
        assertThat(bc.privateKey().getEncoded()).hasSameSizeAs(jdk.privateKey().getEncoded());
        assertThat(bc.certificate().getPublicKey().getEncoded()).hasSameSizeAs(jdk.certificate().getPublicKey().getEncoded());
        assertThat(Arrays.copyOf(bc.certificate().getPublicKey().getEncoded(), 27))
                .isEqualTo(Arrays.copyOf(jdk.certificate().getPublicKey().getEncoded(), 27));
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void loadsWhatItStored(CaVariant variant) throws Exception {
        CertificateAuthority original = variant.create("Test-CA.v6", CLOCK, RANDOM);
        KeyType type = variant.type;

        CertificateAuthority loaded = CertificateAuthority.load(original.certificatePem(),
                original.privateKeyPem(), CLOCK, RANDOM);

        assertThat(loaded.certificate()).isEqualTo(original.certificate());
        assertThat(loaded.keyType()).isEqualTo(type);
        assertThat(loaded.fingerprintSha256()).isEqualTo(original.fingerprintSha256());
        assertThat(loaded.certificatePem()).isEqualTo(original.certificatePem());
        assertThat(loaded.privateKeyPem()).isEqualTo(original.privateKeyPem());
        IssuedCertificate issued = loaded.issueClient("carol", Duration.ofDays(1));
        issued.certificate().verify(original.certificate().getPublicKey());
        assertThat(authorityKeyIdentifier(issued.certificate()))
                .isEqualTo(subjectKeyIdentifier(original.certificate()));
    }

    @Test
    void rejectsLoadingWithAnotherCasRsaKey() {
        CertificateAuthority ca = ca(KeyType.RSA_2048);
        CertificateAuthority other = ca(KeyType.RSA_2048);

        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), other.privateKeyPem(), CLOCK, RANDOM))
                .isInstanceOf(CaException.class)
                .hasMessageContaining("does not match the CA certificate's public key")
                .hasMessageContaining("CN=Test-CA.v6");
    }

    /** An EC key is proven by the CA's first signature, verified before anything signed is returned. */
    @Test
    void refusesToSignAnythingWithAnotherCasEcKey() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        CertificateAuthority other = ca(KeyType.EC_P256);

        CertificateAuthority loaded = CertificateAuthority.load(ca.certificatePem(), other.privateKeyPem(), CLOCK, RANDOM);
        assertThatThrownBy(() -> loaded.issueClient("alice", Duration.ofDays(1)))
                .isInstanceOf(CaException.class)
                .hasMessageContaining("does not match the CA certificate's public key")
                .hasMessageContaining("CN=Test-CA.v6");
        assertThatThrownBy(() -> loaded.issueCrlPem(List.of(), BigInteger.ONE, Duration.ofDays(1)))
                .isInstanceOf(CaException.class)
                .hasMessageContaining("does not match the CA certificate's public key");
        CertificateAuthority right = CertificateAuthority.load(ca.certificatePem(), ca.privateKeyPem(), CLOCK, RANDOM);
        assertThat(right.issueClient("alice", Duration.ofDays(1)).certificate().getIssuerX500Principal())
                .isEqualTo(ca.certificate().getSubjectX500Principal());
    }

    @Test
    void rejectsLoadingWithAKeyOfTheWrongAlgorithm() {
        CertificateAuthority ec = ca(KeyType.EC_P256);
        CertificateAuthority rsa = ca(KeyType.RSA_2048);

        assertThatThrownBy(() -> CertificateAuthority.load(ec.certificatePem(), rsa.privateKeyPem(), CLOCK, RANDOM))
                .isInstanceOf(CaException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> CertificateAuthority.load(rsa.certificatePem(), ec.privateKeyPem(), CLOCK, RANDOM))
                .isInstanceOf(CaException.class).hasMessageContaining("does not match");
    }

    @Test
    void rejectsLoadingAnEndEntityCertificateAsCa() {
        IssuedCertificate client = ca(KeyType.EC_P256).issueClient("mallory", Duration.ofDays(1));

        assertThatThrownBy(() -> CertificateAuthority.load(client.certificatePem(), client.privateKeyPem(),
                CLOCK, RANDOM))
                .isInstanceOf(CaException.class).hasMessageContaining("is not a CA certificate");
    }

    @Test
    void rejectsLoadingGarbage() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        assertThatThrownBy(() -> CertificateAuthority.load("garbage", ca.privateKeyPem(), CLOCK, RANDOM))
                .isInstanceOf(CaException.class);
        assertThatThrownBy(() -> CertificateAuthority.load(ca.certificatePem(), "garbage", CLOCK, RANDOM))
                .isInstanceOf(CaException.class);
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void issuesCrlListingRevokedSerialsSignedByTheCa(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("Test-CA.v6", CLOCK, RANDOM);
        IssuedCertificate revoked1 = ca.issueClient("gone1", Duration.ofDays(1));
        IssuedCertificate revoked2 = ca.issueClient("gone2", Duration.ofDays(1));
        IssuedCertificate good = ca.issueClient("stays", Duration.ofDays(1));
        Instant at1 = Instant.parse("2025-02-01T10:00:00.750Z");
        Instant at2 = Instant.parse("2025-02-15T08:30:00Z");

        String pem = ca.issueCrlPem(List.of(new RevokedEntry(revoked1.serial(), at1),
                new RevokedEntry(revoked2.serial(), at2)), BigInteger.valueOf(7), Duration.ofDays(30));
        X509CRL crl = Pem.readCrl(pem);

        assertThat(pem).startsWith("-----BEGIN X509 CRL-----\n").endsWith("-----END X509 CRL-----\n");
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(NOW);
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(crl.getRevokedCertificates()).extracting(X509CRLEntry::getSerialNumber)
                .containsExactlyInAnyOrder(revoked1.serial(), revoked2.serial());
        assertThat(crl.getRevokedCertificate(revoked1.serial()).getRevocationDate())
                .isEqualTo(Date.from(Instant.parse("2025-02-01T10:00:00Z")));
        assertThat(crl.getRevokedCertificate(revoked2.serial()).getRevocationDate()).isEqualTo(Date.from(at2));
        assertThat(crl.isRevoked(revoked1.certificate())).isTrue();
        assertThat(crl.isRevoked(good.certificate())).isFalse();
        assertThat(crl.getNonCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.20", "2.5.29.35");
        assertThat(CRLNumber.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                crl.getExtensionValue("2.5.29.20"))).getCRLNumber()).isEqualTo(7);
        assertThat(crl.getRevokedCertificate(revoked1.serial()).hasExtensions())
                .as("entries carry no reason code").isFalse();
        assertThat(authorityKeyIdentifier(crl.getExtensionValue("2.5.29.35")))
                .isEqualTo(subjectKeyIdentifier(ca.certificate()));
        assertThat(crl.getSigAlgName()).isEqualTo(ca.certificate().getSigAlgName());
    }

    @Test
    void issuesEmptyCrl() throws Exception {
        CertificateAuthority ca = ca(KeyType.EC_P256);

        X509CRL crl = Pem.readCrl(ca.issueCrlPem(List.of(), BigInteger.ZERO, Duration.ofHours(1)));

        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.getRevokedCertificates()).isNull();
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void rejectsCrlListingASerialTwice() {
        CertificateAuthority ca = ca(KeyType.EC_P256);
        RevokedEntry entry = new RevokedEntry(BigInteger.TEN, NOW);

        assertThatThrownBy(() -> ca.issueCrlPem(List.of(entry, entry), BigInteger.ONE, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serial a is listed more than once");
    }

    @Test
    void rejectsNegativeCrlNumberAndNonPositiveNextUpdate() {
        CertificateAuthority ca = ca(KeyType.EC_P256);

        assertThatThrownBy(() -> ca.issueCrlPem(List.of(), BigInteger.valueOf(-1), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CRL number");
        assertThatThrownBy(() -> ca.issueCrlPem(List.of(), BigInteger.ONE, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void rejectsNonPositiveRevokedSerial() {
        assertThatThrownBy(() -> new RevokedEntry(BigInteger.ZERO, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }

    @Test
    void printsFingerprintAsOpensslDoes() throws Exception {
        CertificateAuthority ca = ca(KeyType.EC_P256);

        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded()));

        assertThat(ca.fingerprintSha256()).isEqualTo(expected).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "ümlaut", "a/b", "x,CN=evil", "a+b",
        "12345678901234567890123456789012345678901234567890123456789012345"})
    void rejectsInvalidCommonNames(String name) {
        CertificateAuthority ca = ca(KeyType.EC_P256);

        assertThatThrownBy(() -> ca.issueClient(name, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid common name");
        assertThatThrownBy(() -> CertificateAuthority.create(KeyType.EC_P256, name, Duration.ofDays(1), CLOCK, RANDOM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid common name");
    }

    @Test
    void acceptsLongestAllowedCommonName() {
        String name = "a".repeat(64);
        assertThat(ca(KeyType.EC_P256).issueClient(name, Duration.ofDays(1)).certificate()
                .getSubjectX500Principal()).isEqualTo(new X500Principal("CN=" + name));
    }

    @Test
    void rejectsNonPositiveOrUnencodableValidity() {
        CertificateAuthority ca = ca(KeyType.EC_P256);

        assertThatThrownBy(() -> ca.issueServer("s", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ca.issueServer("s", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ca.issueServer("s", Duration.ofDays(3_000_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends after");
    }

    @Test
    void encodesValidityBeyond2049AsGeneralizedTime() {
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "long-lived",
                Duration.ofDays(365L * 40), CLOCK, RANDOM);

        assertThat(ca.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365L * 40)));
        assertThatCode(() -> ca.certificate().verify(ca.certificate().getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void truncatesSubSecondClockToWholeSeconds() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-01T12:00:00.999Z"), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "ca", Duration.ofDays(1), clock, RANDOM);

        assertThat(ca.certificate().getNotBefore().toInstant()).isEqualTo(Instant.parse("2025-03-01T11:55:00Z"));
        assertThat(ca.certificate().getNotAfter().toInstant()).isEqualTo(Instant.parse("2025-03-02T12:00:00Z"));
    }

    @Test
    void refusesToCertifyAKeyOfAnotherType() {
        GeneratedKey rsaKey = GeneratedKey.generate(KeyType.RSA_2048, RANDOM);

        assertThatThrownBy(() -> ca(KeyType.EC_P256).issueClient("e", Duration.ofDays(1), rsaKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a rsa2048 key cannot be certified by this ec CA");
    }

    @Test
    void certifiesAKeyMadeBeforehand() throws Exception {
        GeneratedKey key = GeneratedKey.generate(KeyType.EC_P256, RANDOM);

        IssuedCertificate issued = ca(KeyType.EC_P256).issueClient("early", Duration.ofDays(1), key);

        assertThat(issued.privateKey()).isSameAs(key.privateKey());
        assertKeyPair(issued.privateKey(), issued.certificate().getPublicKey());
    }

    @Test
    void issuedFieldsAreThoseTheJdkReadsFromTheCertificate() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-01T12:00:00.999Z"), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "ca", Duration.ofDays(3650), clock, RANDOM);

        IssuedCertificate issued = ca.issueClient("alice", Duration.ofDays(825));

        X509Certificate jdk = issued.certificate();
        assertThat(issued.serial()).isEqualTo(jdk.getSerialNumber());
        assertThat(issued.notBefore()).isEqualTo(jdk.getNotBefore().toInstant()).isEqualTo("2025-03-01T11:55:00Z");
        assertThat(issued.notAfter()).isEqualTo(jdk.getNotAfter().toInstant()).isEqualTo("2027-06-04T12:00:00Z");
    }

    private static void assertKeyPair(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        String algorithm = publicKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] message = {1, 2, 3};
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(message);
        assertThat(verifier.verify(signature)).as("private key matches public key").isTrue();
    }

    private static byte[] subjectKeyIdentifier(X509Certificate cert) throws IOException {
        return SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                cert.getExtensionValue("2.5.29.14"))).getKeyIdentifier();
    }

    private static byte[] authorityKeyIdentifier(X509Certificate cert) throws IOException {
        return authorityKeyIdentifier(cert.getExtensionValue("2.5.29.35"));
    }

    /** The keyIdentifier of an AuthorityKeyIdentifier that has nothing else (no issuer and serial). */
    private static byte[] authorityKeyIdentifier(byte[] extensionValue) throws IOException {
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(
                JcaX509ExtensionUtils.parseExtensionValue(extensionValue));
        assertThat(aki.getAuthorityCertIssuer()).isNull();
        assertThat(aki.getAuthorityCertSerialNumber()).isNull();
        return aki.getKeyIdentifier();
    }
}
