package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guards CLI start-up time: loading the CA and issuing one certificate in a fresh JVM must not
 * load any Bouncy Castle class (opening its signed jar alone costs 100-300 ms).
 */
class StartupFootprintTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "RSA_2048"})
    void issuesOneCertificateWithoutLoadingBouncyCastle(KeyType type) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(type, "startup-ca", java.time.Duration.ofDays(30),
                Clock.systemUTC(), new SecureRandom());
        Path cert = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        Path key = Files.writeString(dir.resolve("ca.key"), ca.privateKeyPem());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Process process = new ProcessBuilder(List.of(java, "-Xshare:auto", "-verbose:class",
                "-cp", System.getProperty("java.class.path"), OneCertificateCommand.class.getName(),
                cert.toString(), key.toString()))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("issued ");
        assertThat(output.lines().filter(l -> l.contains("org.bouncycastle"))).isEmpty();
    }
}
