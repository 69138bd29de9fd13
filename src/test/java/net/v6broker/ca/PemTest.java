package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void writesBase64In64CharacterLinesWithTrailingNewline() {
        byte[] der = new byte[80]; // 108 Base64 characters
        Arrays.fill(der, (byte) 0xab);

        String pem = Pem.write("CERTIFICATE", der);

        List<String> lines = pem.lines().toList();
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).hasSize(64);
        assertThat(lines.get(2)).hasSize(108 - 64);
        assertThat(Base64.getDecoder().decode(lines.get(1) + lines.get(2))).isEqualTo(der);
    }

    @Test
    void writesExactMultiplesOf64WithoutBlankLine() {
        String pem = Pem.write("X", new byte[48]); // 48 bytes = exactly 64 Base64 characters
        assertThat(pem.lines().toList()).hasSize(3).doesNotContain("");
    }

    @Test
    void rejectsInvalidType() {
        assertThatThrownBy(() -> Pem.write("X-Y", new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pem.write("", new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsCertificateSurroundedByTextWithCrlfLineEndings() {
        CertificateAuthority ca = ecCa();
        String pem = "Certificate:\r\n    Data: ...\r\n" + ca.certificatePem().replace("\n", "\r\n") + "trailer\r\n";

        assertThat(Pem.readCertificate(pem)).isEqualTo(ca.certificate());
    }

    @Test
    void readsTheFirstMatchingBlockSkippingOthers() {
        CertificateAuthority ca = ecCa();
        String pem = ca.privateKeyPem() + ca.certificatePem();

        assertThat(Pem.readCertificate(pem)).isEqualTo(ca.certificate());
        assertThat(Pem.readPrivateKey(pem).getEncoded()).isEqualTo(Pem.readPrivateKey(ca.privateKeyPem()).getEncoded());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   \n",
        "hello world",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
        "-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
        "-----BEGIN PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END PRIVATE KEY-----\n",
        "-----BEGIN CERTIFICATE",
    })
    void rejectsGarbageCertificateWithCaException(String garbage) {
        assertThatThrownBy(() -> Pem.readCertificate(garbage))
                .isInstanceOf(CaException.class)
                .hasMessageMatching("(?s).*(PEM|certificate).*");
    }

    @Test
    void rejectsNullWithCaException() {
        assertThatThrownBy(() -> Pem.readCertificate(null)).isInstanceOf(CaException.class)
                .hasMessageContaining("input is empty");
    }

    @Test
    void rejectsCertificateBlockWithNonCertificateContent() {
        String pem = Pem.write("CERTIFICATE", der(new DERSequence(new ASN1Integer(1))));
        assertThatThrownBy(() -> Pem.readCertificate(pem)).isInstanceOf(CaException.class)
                .hasMessageContaining("not a valid X.509 certificate");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "garbage",
        "-----BEGIN PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END PRIVATE KEY-----\n",
        "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN EC PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END EC PRIVATE KEY-----\n",
    })
    void rejectsGarbagePrivateKeyWithCaException(String garbage) {
        assertThatThrownBy(() -> Pem.readPrivateKey(garbage)).isInstanceOf(CaException.class);
    }

    @Test
    void rejectsEncryptedPrivateKeys() {
        String pkcs8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nMIIB\n"
                + "-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.readPrivateKey(pkcs8)).isInstanceOf(CaException.class)
                .hasMessageContaining("encrypted private keys are not supported");
        assertThatThrownBy(() -> Pem.readPrivateKey(legacy)).isInstanceOf(CaException.class)
                .hasMessageContaining("encrypted private keys are not supported");
    }

    @Test
    void rejectsGarbageCrlWithCaException() {
        assertThatThrownBy(() -> Pem.readCrl("-----BEGIN X509 CRL-----\naGVsbG8=\n-----END X509 CRL-----\n"))
                .isInstanceOf(CaException.class).hasMessageContaining("not a valid CRL");
        assertThatThrownBy(() -> Pem.readCrl(ecCa().certificatePem()))
                .isInstanceOf(CaException.class).hasMessageContaining("no PEM CRL found");
    }

    @Test
    void readsPkcs1RsaPrivateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        byte[] pkcs1 = pkcs8Payload(key);

        PrivateKey read = Pem.readPrivateKey(Pem.write("RSA PRIVATE KEY", pkcs1));

        assertThat(read).isInstanceOf(RSAPrivateCrtKey.class);
        assertThat(((RSAPrivateCrtKey) read).getModulus()).isEqualTo(key.getModulus());
        assertThat(((RSAPrivateCrtKey) read).getPrivateExponent()).isEqualTo(key.getPrivateExponent());
    }

    @Test
    void readsSec1EcPrivateKeyNamingItsCurve() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair pair = generator.generateKeyPair();
        BigInteger s = ((ECPrivateKey) pair.getPrivate()).getS();
        byte[] sec1 = der(new DERSequence(new ASN1Encodable[] {new ASN1Integer(1),
            new DEROctetString(fixed32(s)), new DERTaggedObject(true, 0, SECObjectIdentifiers.secp256r1)}));

        PrivateKey read = Pem.readPrivateKey(Pem.write("EC PRIVATE KEY", sec1));

        assertThat(((ECPrivateKey) read).getS()).isEqualTo(s);
    }

    @Test
    void rejectsSec1KeyWithoutCurve() {
        byte[] sec1 = der(new DERSequence(new ASN1Encodable[] {new ASN1Integer(1),
            new DEROctetString(new byte[32])}));
        assertThatThrownBy(() -> Pem.readPrivateKey(Pem.write("EC PRIVATE KEY", sec1)))
                .isInstanceOf(CaException.class).hasMessageContaining("does not name its curve");
    }

    @Test
    void rejectsUnsupportedKeyAlgorithm() {
        byte[] ed25519 = der(new DERSequence(new ASN1Encodable[] {new ASN1Integer(0),
            new DERSequence(new ASN1ObjectIdentifier("1.3.101.112")),
            new DEROctetString(der(new DEROctetString(new byte[32])))}));
        assertThatThrownBy(() -> Pem.readPrivateKey(Pem.write("PRIVATE KEY", ed25519)))
                .isInstanceOf(CaException.class).hasMessageContaining("only EC and RSA");
    }

    @Test
    void roundTripsCaAndIssuedPems() {
        CertificateAuthority ca = ecCa();
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(1));

        assertThat(Pem.readCertificate(client.certificatePem())).isEqualTo(client.certificate());
        assertThat(Pem.readPrivateKey(client.privateKeyPem()).getEncoded())
                .isEqualTo(client.privateKey().getEncoded());
        assertThat(client.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----\n");
        assertThat(client.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
    }

    private static CertificateAuthority ecCa() {
        return CertificateAuthority.create(KeyType.EC_P256, "pem-ca", Duration.ofDays(30),
                Clock.systemUTC(), RANDOM);
    }

    /** The privateKey OCTET STRING contents of a PKCS#8 encoding (PKCS#1 for RSA). */
    private static byte[] pkcs8Payload(PrivateKey key) {
        return PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKey().getOctets();
    }

    private static byte[] der(ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, raw.length);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }
}
