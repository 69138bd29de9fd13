package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks everything the CA writes against the real OpenSSL 3 command line, which is what OpenVPN
 * uses to verify peers and CRLs. Skipped only when {@code /usr/bin/openssl} is absent.
 */
class OpensslInteropTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Clock CLOCK = Clock.systemUTC(); // openssl verifies against the real time

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenssl() {
        Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "/usr/bin/openssl not installed");
    }

    private record Result(int exitCode, String output) {
    }

    private Result openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    /** The serial as {@code openssl crl -text} prints it: upper-case hex, even number of digits. */
    private static String opensslSerial(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase(Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslVerifiesClientAndServerCertificatesForTheirPurpose(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        write("ca.pem", ca.certificatePem());
        write("client.pem", ca.issueClient("alice", Duration.ofDays(825)).certificatePem());
        write("server.pem", ca.issueServer("server", Duration.ofDays(825)).certificatePem());

        Result client = openssl("verify", "-CAfile", "ca.pem", "client.pem");
        Result server = openssl("verify", "-CAfile", "ca.pem", "server.pem");
        Result clientPurpose = openssl("verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "client.pem");
        Result serverPurpose = openssl("verify", "-purpose", "sslserver", "-CAfile", "ca.pem", "server.pem");

        assertThat(client.exitCode()).as(client.output()).isZero();
        assertThat(client.output()).contains("client.pem: OK");
        assertThat(server.exitCode()).as(server.output()).isZero();
        assertThat(server.output()).contains("server.pem: OK");
        assertThat(clientPurpose.exitCode()).as(clientPurpose.output()).isZero();
        assertThat(clientPurpose.output()).contains("client.pem: OK");
        assertThat(serverPurpose.exitCode()).as(serverPurpose.output()).isZero();
        assertThat(serverPurpose.output()).contains("server.pem: OK");
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslRejectsCertificatesUsedForTheOtherPurpose(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        write("ca.pem", ca.certificatePem());
        write("client.pem", ca.issueClient("alice", Duration.ofDays(1)).certificatePem());
        write("server.pem", ca.issueServer("server", Duration.ofDays(1)).certificatePem());

        Result clientAsServer = openssl("verify", "-purpose", "sslserver", "-CAfile", "ca.pem", "client.pem");
        Result serverAsClient = openssl("verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "server.pem");

        assertThat(clientAsServer.exitCode()).as(clientAsServer.output()).isNotZero();
        assertThat(clientAsServer.output()).contains("unsuitable certificate purpose");
        assertThat(serverAsClient.exitCode()).as(serverAsClient.output()).isNotZero();
        assertThat(serverAsClient.output()).contains("unsuitable certificate purpose");
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslRejectsRevokedClientButAcceptsServerWithCrlCheck(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(825));
        write("ca.pem", ca.certificatePem());
        write("client.pem", client.certificatePem());
        write("server.pem", ca.issueServer("server", Duration.ofDays(825)).certificatePem());
        write("crl.pem", ca.issueCrlPem(List.of(new RevokedEntry(client.serial(), CLOCK.instant())),
                BigInteger.ONE, Duration.ofDays(30)));

        Result revoked = openssl("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "client.pem");
        Result server = openssl("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "server.pem");

        assertThat(revoked.exitCode()).as(revoked.output()).isNotZero();
        assertThat(revoked.output()).contains("revoked");
        assertThat(server.exitCode()).as(server.output()).isZero();
        assertThat(server.output()).contains("server.pem: OK");
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslReadsCrlListingTheRevokedSerial(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(1));
        write("ca.pem", ca.certificatePem());
        write("crl.pem", ca.issueCrlPem(List.of(new RevokedEntry(client.serial(), CLOCK.instant())),
                BigInteger.valueOf(42), Duration.ofDays(7)));

        Result text = openssl("crl", "-in", "crl.pem", "-noout", "-text");
        Result verify = openssl("crl", "-in", "crl.pem", "-CAfile", "ca.pem", "-noout");

        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).contains("Serial Number: " + opensslSerial(client.serial()))
                .contains("Version 2 (0x1)").contains("CRL Number:").contains("42")
                .contains("Issuer: CN = interop-ca").contains("Next Update:");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("verify OK");
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslAcceptsEmptyCrlAndGoodClientWithCrlCheck(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        write("ca.pem", ca.certificatePem());
        write("client.pem", ca.issueClient("bob", Duration.ofDays(1)).certificatePem());
        write("crl.pem", ca.issueCrlPem(List.of(), BigInteger.ONE, Duration.ofDays(7)));

        Result crl = openssl("crl", "-in", "crl.pem", "-noout", "-text");
        Result verify = openssl("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "client.pem");

        assertThat(crl.exitCode()).as(crl.output()).isZero();
        assertThat(crl.output()).contains("No Revoked Certificates");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).contains("client.pem: OK");
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslAcceptsOurPrivateKeysAndTheyMatchTheirCertificates(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(1));
        IssuedCertificate server = ca.issueServer("server", Duration.ofDays(1));
        List<String[]> pairs = List.of(new String[] {ca.certificatePem(), ca.privateKeyPem()},
                new String[] {client.certificatePem(), client.privateKeyPem()},
                new String[] {server.certificatePem(), server.privateKeyPem()});

        for (String[] pair : pairs) {
            write("cert.pem", pair[0]);
            write("key.pem", pair[1]);
            Result check = openssl("pkey", "-in", "key.pem", "-noout");
            Result keyPublic = openssl("pkey", "-in", "key.pem", "-pubout");
            Result certPublic = openssl("x509", "-in", "cert.pem", "-noout", "-pubkey");

            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(keyPublic.exitCode()).as(keyPublic.output()).isZero();
            assertThat(keyPublic.output()).startsWith("-----BEGIN PUBLIC KEY-----").isEqualTo(certPublic.output());
        }
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void fingerprintMatchesOpenssl(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        write("ca.pem", ca.certificatePem());

        Result result = openssl("x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha256");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().trim()).isEqualToIgnoringCase("sha256 Fingerprint=" + ca.fingerprintSha256());
        assertThat(result.output().trim()).endsWith("=" + ca.fingerprintSha256());
    }

    @ParameterizedTest
    @EnumSource(CaVariant.class)
    void opensslShowsTheExpectedExtensions(CaVariant variant) throws Exception {
        CertificateAuthority ca = variant.create("interop-ca", CLOCK, RANDOM);
        write("ca.pem", ca.certificatePem());
        write("client.pem", ca.issueClient("alice", Duration.ofDays(1)).certificatePem());

        String caText = openssl("x509", "-in", "ca.pem", "-noout", "-text").output();
        String clientText = openssl("x509", "-in", "client.pem", "-noout", "-text").output();

        assertThat(caText).contains("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0",
                "X509v3 Key Usage: critical", "Certificate Sign, CRL Sign", "X509v3 Subject Key Identifier");
        assertThat(clientText).contains("Subject: CN = alice", "Issuer: CN = interop-ca",
                "X509v3 Basic Constraints: critical", "CA:FALSE", "X509v3 Key Usage: critical",
                "TLS Web Client Authentication", "X509v3 Authority Key Identifier");
        assertThat(clientText).contains(variant.type == KeyType.EC_P256
                ? "Digital Signature, Key Agreement" : "Digital Signature, Key Encipherment");
    }

    @Test
    void readsKeysInEveryFormatOpensslWrites() throws Exception {
        assertThat(openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem").exitCode()).isZero();
        assertThat(openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", "pkcs8-ec.pem").exitCode()).isZero();
        assertThat(openssl("genrsa", "-traditional", "-out", "pkcs1.pem", "2048").exitCode()).isZero();
        assertThat(openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", "pkcs8-rsa.pem").exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("sec1.pem"))).contains("BEGIN EC PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("pkcs1.pem"))).contains("BEGIN RSA PRIVATE KEY");

        for (String file : List.of("sec1.pem", "pkcs8-ec.pem", "pkcs1.pem", "pkcs8-rsa.pem")) {
            PrivateKey key = Pem.readPrivateKey(Files.readString(dir.resolve(file)));
            write("reencoded.pem", Pem.write("PRIVATE KEY", key.getEncoded()));
            Result original = openssl("pkey", "-in", file, "-pubout");
            Result reencoded = openssl("pkey", "-in", "reencoded.pem", "-pubout");
            assertThat(reencoded.exitCode()).as(file + ": " + reencoded.output()).isZero();
            assertThat(reencoded.output()).as(file).isEqualTo(original.output());
        }
    }

    @Test
    void loadsCaMadeByOpensslAndIssuesCertificatesItVerifies() throws Exception {
        write("ca.cnf", String.join("\n",
                "[req]", "distinguished_name = dn", "x509_extensions = v3", "prompt = no",
                "[dn]", "CN = OpenSSL Made CA", "O = Example",
                "[v3]", "basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign",
                "subjectKeyIdentifier = hash", ""));
        assertThat(openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key").exitCode()).isZero();
        Result req = openssl("req", "-x509", "-new", "-key", "ca.key", "-config", "ca.cnf", "-days", "30",
                "-sha256", "-out", "ca.pem");
        assertThat(req.exitCode()).as(req.output()).isZero();

        CertificateAuthority ca = CertificateAuthority.load(Files.readString(dir.resolve("ca.pem")),
                Files.readString(dir.resolve("ca.key")), CLOCK, RANDOM);
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(1));
        write("client.pem", client.certificatePem());
        write("crl.pem", ca.issueCrlPem(List.of(new RevokedEntry(client.serial(), CLOCK.instant())),
                BigInteger.ONE, Duration.ofDays(1)));

        assertThat(ca.keyType()).isEqualTo(KeyType.EC_P256);
        Result verify = openssl("verify", "-purpose", "sslclient", "-CAfile", "ca.pem", "client.pem");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        Result revoked = openssl("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "client.pem");
        assertThat(revoked.exitCode()).as(revoked.output()).isNotZero();
        assertThat(revoked.output()).contains("revoked");
    }
}
