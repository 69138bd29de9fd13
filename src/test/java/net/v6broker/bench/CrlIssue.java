package net.v6broker.bench;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.KeyType;
import net.v6broker.ca.RevokedEntry;

/**
 * Benchmark (a {@code main}, not a test): issuing one CRL of {@code N} revoked certificates, as
 * every revoke does ({@code CertificateAuthority.issueCrlPem}: entries, signature, PEM), in a fresh
 * JVM as a {@code client revoke} gets it (the first issue, cold), then warm (the median of
 * {@code R} more, as a running daemon or API would see it). {@code bench/scale.sh} runs it with the
 * launcher's JVM options.
 *
 * <p>Run: {@code java -cp target/v6broker.jar:target/test-classes net.v6broker.bench.CrlIssue [N [R]]}
 * (defaults 10000, 20). Prints one line: {@code crl-issue N=10000 cold_ms=... warm_ms=... bytes=...}.
 */
public final class CrlIssue {
    private CrlIssue() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "bench-CA", Duration.ofDays(3650),
                Clock.systemUTC(), new SecureRandom());
        SecureRandom random = new SecureRandom();
        Instant at = Instant.now().minus(Duration.ofDays(3));
        List<RevokedEntry> revoked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // serials as the CA makes them (positive, 127 random bits), revoked over three days
            revoked.add(new RevokedEntry(new BigInteger(127, random).setBit(126), at.plusSeconds(i * 26L)));
        }
        long t0 = System.nanoTime();
        String pem = ca.issueCrlPem(revoked, BigInteger.ONE, Duration.ofDays(30));
        double cold = (System.nanoTime() - t0) / 1e6;
        double[] warm = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            ca.issueCrlPem(revoked, BigInteger.valueOf(r + 2), Duration.ofDays(30));
            warm[r] = (System.nanoTime() - t) / 1e6;
        }
        java.util.Arrays.sort(warm);
        System.out.printf(Locale.ROOT, "crl-issue N=%d cold_ms=%.1f warm_ms=%.1f bytes=%d%n", n, cold,
                runs == 0 ? Double.NaN : warm[runs / 2], pem.length());
    }
}
