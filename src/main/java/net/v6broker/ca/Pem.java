package net.v6broker.ca;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Reading and writing of PEM-armoured certificates, CRLs and private keys.
 *
 * <p>Readers accept surrounding text (such as the output of {@code openssl x509 -text}) and CRLF
 * line endings, and use the first block of the requested kind. Private keys may be unencrypted
 * PKCS#8 ({@code PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, as {@code openssl ecparam -genkey}
 * writes) or PKCS#1 ({@code RSA PRIVATE KEY}); encrypted keys are rejected. Every failure is a
 * {@link CaException} saying what was expected.
 *
 * <p>The armour is handled here rather than with Bouncy Castle's {@code PEMParser}, which stops at
 * the first block of a kind it does not know instead of skipping it; the key structures inside are
 * Bouncy Castle's ASN.1 classes, and certificates and CRLs are parsed by the JDK.
 *
 * <p>Stateless, therefore thread-safe.
 */
public final class Pem {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    private static final AlgorithmIdentifier RSA_ALGORITHM =
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);

    private Pem() {
    }

    /** Parses the first {@code CERTIFICATE} block. */
    public static X509Certificate readCertificate(String pem) {
        return certificate(decode(pem, "certificate", "CERTIFICATE", "X509 CERTIFICATE"), "PEM CERTIFICATE block");
    }

    /**
     * The JDK's reading of a DER certificate (from a PEM block, or as the CA encoded it).
     *
     * @param what the certificate, for the message
     */
    static X509Certificate certificate(byte[] der, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CaException(what + " is not a valid X.509 certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the first {@code CERTIFICATE} block with Bouncy Castle, which the CA uses: loading
     * the CA then needs none of the JDK's X.509 classes (docs/decisions.md, 18).
     */
    public static X509CertificateHolder readCertificateHolder(String pem) {
        byte[] der = decode(pem, "certificate", "CERTIFICATE", "X509 CERTIFICATE");
        try {
            return new X509CertificateHolder(der);
        } catch (IOException | RuntimeException e) {
            throw new CaException("PEM CERTIFICATE block is not a valid X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    /** The JDK public key of a certificate's SubjectPublicKeyInfo (EC or RSA). */
    static PublicKey publicKey(SubjectPublicKeyInfo info) {
        String algorithm = algorithm(info.getAlgorithm().getAlgorithm());
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new CaException("the certificate's " + algorithm + " public key is not valid: " + e.getMessage(), e);
        }
    }

    /** Parses the first private key block (PKCS#8, SEC1 or PKCS#1, unencrypted; EC or RSA). */
    public static PrivateKey readPrivateKey(String pem) {
        Block block = find(pem, "private key",
                "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
        if (block.label().equals("ENCRYPTED PRIVATE KEY") || block.body().indexOf(':') >= 0) {
            throw new CaException("encrypted private keys are not supported (PEM " + block.label()
                    + "); decrypt it first, e.g. with 'openssl pkey'");
        }
        byte[] der = base64(block);
        byte[] pkcs8;
        String algorithm;
        try {
            PrivateKeyInfo info;
            switch (block.label()) {
                case "EC PRIVATE KEY":
                    info = sec1ToPkcs8(ECPrivateKey.getInstance(der));
                    break;
                case "RSA PRIVATE KEY":
                    info = new PrivateKeyInfo(RSA_ALGORITHM, RSAPrivateKey.getInstance(der));
                    break;
                default:
                    info = PrivateKeyInfo.getInstance(der);
                    break;
            }
            algorithm = algorithm(info.getPrivateKeyAlgorithm().getAlgorithm());
            pkcs8 = info.getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new CaException("PEM " + block.label() + " block is not a valid private key: "
                    + e.getMessage(), e);
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CaException("PEM " + block.label() + " block is not a valid " + algorithm
                    + " private key: " + e.getMessage(), e);
        }
    }

    /** The CRL number of the first {@code X509 CRL} block (read with Bouncy Castle: no JDK parse of its entries). */
    public static long crlNumber(String pem) {
        byte[] der = decode(pem, "CRL", "X509 CRL");
        try {
            org.bouncycastle.cert.X509CRLHolder crl = new org.bouncycastle.cert.X509CRLHolder(der);
            org.bouncycastle.asn1.x509.Extension number = crl.getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber);
            if (number == null) {
                throw new CaException("the CRL has no CRL number");
            }
            return org.bouncycastle.asn1.x509.CRLNumber.getInstance(number.getParsedValue()).getCRLNumber().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new CaException("PEM X509 CRL block is not a valid CRL: " + e.getMessage(), e);
        }
    }

    /** Parses the first {@code X509 CRL} block. */
    public static X509CRL readCrl(String pem) {
        byte[] der = decode(pem, "CRL", "X509 CRL");
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CaException("PEM X509 CRL block is not a valid CRL: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code der} as a PEM block: {@code -----BEGIN type-----}, Base64 in 64-character
     * lines, {@code -----END type-----}, each line terminated by a newline.
     *
     * @throws IllegalArgumentException if {@code type} is empty or contains '-' or a line break
     */
    public static String write(String type, byte[] der) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(der, "der");
        if (type.isEmpty() || type.indexOf('-') >= 0 || type.indexOf('\n') >= 0
                || type.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("invalid PEM type '" + type + "'");
        }
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        StringBuilder sb = new StringBuilder(body.length() + 2 * type.length() + 40);
        sb.append(BEGIN).append(type).append(DASHES).append('\n');
        if (!body.isEmpty()) {
            sb.append(body).append('\n');
        }
        sb.append(END).append(type).append(DASHES).append('\n');
        return sb.toString();
    }

    /** The JCA name of a PKCS#8 private key algorithm. */
    private static String algorithm(ASN1ObjectIdentifier oid) {
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        throw new CaException("unsupported private key algorithm " + oid
                + ": only EC and RSA keys are supported");
    }

    /** Wraps a SEC1 ECPrivateKey, which must name its curve, into a PKCS#8 PrivateKeyInfo. */
    private static PrivateKeyInfo sec1ToPkcs8(ECPrivateKey key) throws IOException {
        ASN1Encodable curve = key.getParametersObject();
        if (curve == null) {
            throw new CaException("SEC1 EC PRIVATE KEY does not name its curve");
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), key);
    }

    private static byte[] decode(String pem, String what, String... labels) {
        return base64(find(pem, what, labels));
    }

    private static byte[] base64(Block block) {
        String body = block.body();
        StringBuilder compact = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                compact.append(c);
            }
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            throw new CaException("PEM " + block.label() + " block has invalid Base64: "
                    + e.getMessage(), e);
        }
        if (der.length == 0) {
            throw new CaException("PEM " + block.label() + " block is empty");
        }
        return der;
    }

    /** The first block whose label is one of {@code labels}. */
    private static Block find(String pem, String what, String... labels) {
        if (pem == null || pem.isBlank()) {
            throw new CaException("no PEM " + what + " found: input is empty");
        }
        int from = 0;
        while (true) {
            int begin = pem.indexOf(BEGIN, from);
            if (begin < 0) {
                throw new CaException("no PEM " + what + " found: expected a '" + BEGIN
                        + labels[0] + DASHES + "' line");
            }
            int labelStart = begin + BEGIN.length();
            int labelEnd = pem.indexOf(DASHES, labelStart);
            if (labelEnd < 0) {
                throw new CaException("malformed PEM " + what + ": unterminated BEGIN line");
            }
            String label = pem.substring(labelStart, labelEnd);
            if (Arrays.asList(labels).contains(label)) {
                String endLine = END + label + DASHES;
                int bodyStart = labelEnd + DASHES.length();
                int end = pem.indexOf(endLine, bodyStart);
                if (end < 0) {
                    throw new CaException("malformed PEM " + what + ": missing '" + endLine + "'");
                }
                return new Block(label, pem.substring(bodyStart, end));
            }
            from = labelEnd;
        }
    }

    /** One PEM block: its label and the text between the BEGIN and END lines. */
    private record Block(String label, String body) {
    }
}
