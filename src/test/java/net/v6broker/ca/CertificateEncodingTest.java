package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exact encoding of what the CA writes, where other software is strict about it: minimal
 * named-bit strings, RFC 5280 time types, the issuer name byte for byte, UTF8String common names
 * and long-form lengths. Pins what the hand-written DER encoder used to guarantee, now that
 * Bouncy Castle's builders write it.
 */
class CertificateEncodingTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void writesKeyUsageAndBasicConstraintsInMinimalDer(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("enc-ca", CLOCK, RANDOM);
        X509Certificate client = ca.issueClient("alice", Duration.ofDays(1)).certificate();

        // digitalSignature + keyEncipherment (RSA) or + keyAgreement (EC), no trailing zero bits
        assertThat(extension(client, Extension.keyUsage))
                .isEqualTo(variant.type == KeyType.EC_P256 ? "03020388" : "030205a0");
        assertThat(extension(client, Extension.basicConstraints)).isEqualTo("3000"); // CA:FALSE is the default
        assertThat(extension(ca.certificate(), Extension.keyUsage)).isEqualTo("03020106"); // keyCertSign, cRLSign
        assertThat(extension(ca.certificate(), Extension.basicConstraints)).isEqualTo("30060101ff020100");
    }

    @Test
    void writesCommonNamesAsUtf8StringLikeOpenssl() throws Exception {
        CertificateAuthority ca = CaVariant.EC_P256_JDK.create("enc-ca", CLOCK, RANDOM);
        X509CertificateHolder client = holder(ca.issueClient("alice", Duration.ofDays(1)).certificate());

        AttributeTypeAndValue cn = client.getSubject().getRDNs()[0].getFirst();
        assertThat(cn.getType()).isEqualTo(BCStyle.CN);
        assertThat(cn.getValue()).isInstanceOf(DERUTF8String.class);
        assertThat(holder(ca.certificate()).getSubject().getRDNs()[0].getFirst().getValue())
                .isInstanceOf(DERUTF8String.class);
    }

    /**
     * Pins the issuer of certificates and CRLs to the CA certificate's subject byte for byte: a CA
     * made elsewhere may encode its name differently from how we would (PrintableString, several
     * RDNs), and re-encoding it from its string form would break chain building in strict clients.
     */
    @Test
    void copiesTheIssuerNameFromTheCaCertificateByteForByte() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair key = generator.generateKeyPair();
        X500Name subject = new X500Name(new RDN[] {
            new RDN(BCStyle.C, new DERPrintableString("DE")),
            new RDN(BCStyle.O, new DERPrintableString("Example Org")),
            new RDN(BCStyle.CN, new DERPrintableString("Printable CA")),
        });
        X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(subject, BigInteger.TEN, Date.from(NOW),
                        Date.from(NOW.plus(Duration.ofDays(30))), subject, key.getPublic())
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        CertificateAuthority ca = CertificateAuthority.load(Pem.write("CERTIFICATE", caCert.getEncoded()),
                Pem.write("PRIVATE KEY", key.getPrivate().getEncoded()), CLOCK, RANDOM);
        byte[] expected = caCert.getSubjectX500Principal().getEncoded();

        X509Certificate client = ca.issueClient("alice", Duration.ofDays(1)).certificate();
        X509CRL crl = Pem.readCrl(ca.issueCrlPem(List.of(), BigInteger.ONE, Duration.ofDays(1)));

        assertThat(client.getIssuerX500Principal().getEncoded()).isEqualTo(expected);
        assertThat(crl.getIssuerX500Principal().getEncoded()).isEqualTo(expected);
        client.verify(caCert.getPublicKey());
        crl.verify(caCert.getPublicKey());
    }

    @Test
    void writesUtcTimeUntil2049AndGeneralizedTimeFrom2050() throws Exception {
        Clock lastUtcSecond = Clock.fixed(Instant.parse("2049-12-31T23:59:59.750Z"), ZoneOffset.UTC);
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "y2050", Duration.ofDays(3650),
                lastUtcSecond, RANDOM);
        X509CertificateHolder cert = holder(ca.certificate());
        TBSCertList crl = new X509CRLHolder(Pem.readCrl(ca.issueCrlPem(
                List.of(new RevokedEntry(BigInteger.ONE, Instant.parse("1949-12-31T23:59:59Z"))),
                BigInteger.ONE, Duration.ofSeconds(1))).getEncoded()).toASN1Structure().getTBSCertList();

        assertThat(cert.toASN1Structure().getStartDate().toASN1Primitive()).isEqualTo(utc("491231235459Z"));
        assertThat(cert.toASN1Structure().getEndDate().toASN1Primitive()).isEqualTo(generalized("20591229235959Z"));
        assertThat(crl.getThisUpdate().toASN1Primitive()).isEqualTo(utc("491231235959Z"));
        assertThat(crl.getNextUpdate().toASN1Primitive()).isEqualTo(generalized("20500101000000Z"));
        assertThat(crl.getRevokedCertificates()[0].getRevocationDate().toASN1Primitive())
                .isEqualTo(generalized("19491231235959Z"));
    }

    @Test
    void rejectsRevocationTimesThatX509CannotEncode() {
        CertificateAuthority ca = CaVariant.EC_P256_JDK.create("enc-ca", CLOCK, RANDOM);

        assertThatThrownBy(() -> ca.issueCrlPem(List.of(new RevokedEntry(BigInteger.ONE,
                Instant.parse("+10000-01-01T00:00:00Z"))), BigInteger.ONE, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be encoded");
    }

    /** 3,000 entries make a CRL of over 64 KiB, whose lengths need three octets. */
    @Test
    void writesCrlsLongerThan64KibThatTheJdkReadsBack() throws Exception {
        CertificateAuthority ca = CaVariant.EC_P256_JDK.create("enc-ca", CLOCK, RANDOM);
        List<RevokedEntry> revoked = new ArrayList<>();
        for (int i = 1; i <= 3_000; i++) {
            revoked.add(new RevokedEntry(BigInteger.ONE.shiftLeft(120).add(BigInteger.valueOf(i)), NOW));
        }

        X509CRL crl = Pem.readCrl(ca.issueCrlPem(revoked, BigInteger.TWO, Duration.ofDays(1)));

        assertThat(crl.getEncoded().length).isGreaterThan(65_535);
        assertThat(crl.getRevokedCertificates()).hasSize(3_000);
        crl.verify(ca.certificate().getPublicKey());
    }

    private static String extension(X509Certificate cert, ASN1ObjectIdentifier oid)
            throws Exception {
        return HexFormat.of().formatHex(holder(cert).getExtension(oid).getExtnValue().getOctets());
    }

    private static X509CertificateHolder holder(X509Certificate cert) throws Exception {
        return new X509CertificateHolder(cert.getEncoded());
    }

    private static ASN1Primitive utc(String text) {
        return new ASN1UTCTime(text);
    }

    private static ASN1Primitive generalized(String text) {
        return new ASN1GeneralizedTime(text);
    }
}
