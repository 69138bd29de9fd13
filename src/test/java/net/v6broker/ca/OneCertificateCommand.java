package net.v6broker.ca;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * What a {@code client add} CLI command does with this package, as a {@code main} for
 * {@link StartupFootprintTest}: load the CA from PEM files and issue one client certificate.
 *
 * <p>Not thread-safe; single use from {@code main}.
 */
final class OneCertificateCommand {

    private OneCertificateCommand() {
    }

    /** Arguments: CA certificate PEM file, CA key PEM file. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        CertificateAuthority ca = CertificateAuthority.load(Files.readString(Path.of(args[0])),
                Files.readString(Path.of(args[1])), Clock.systemUTC(), new SecureRandom());
        IssuedCertificate client = ca.issueClient("alice", Duration.ofDays(825));
        String pem = client.certificatePem() + client.privateKeyPem();
        System.out.printf("issued %d PEM characters in %.0f ms%n", pem.length(),
                (System.nanoTime() - start) / 1e6);
    }
}
