package net.v6broker.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.ca.KeyType;

/**
 * Benchmark (a {@code main}, not a test): our key generation plus signing alone, the way
 * {@code client import} drives it (a fixed thread pool, one task per client), without the
 * database, the CSV parsing or the JVM start-up. {@code bench/provisioning.sh} compares the
 * import's own rate with this one.
 *
 * <p>To compare like with like, the measured figure is that of a fresh JVM: {@code N} certificates
 * issued right after the CA is made, with no warm-up beforehand, because the import gets none
 * either (its JVM starts, loads the CA and issues). The CA switches engines as the import's does
 * (it is the same class), and the bench runs this with the launcher's JVM options for
 * {@code client import} on the same jar. As information, the same {@code N} are then issued again
 * in the now warm JVM ({@code warm_rate}), which is what a long-running process would see.
 *
 * <p>With {@code AGAIN} 0 it issues only the {@code N} and exits, so that the bench can time the
 * whole process, JVM start-up included, against the wall time of {@code client import}.
 *
 * <p>Run: {@code java -cp target/v6broker.jar:target/test-classes net.v6broker.bench.IssueOnly [N [THREADS [WARMUP [AGAIN]]]]}
 * (defaults: 1000, all available processors, 0, 1). Prints one line:
 * {@code issue-only N=1000 threads=2 warmup=0 seconds=0.xxx rate=NNNN/s warm_seconds=0.xxx warm_rate=NNNN/s}.
 */
public final class IssueOnly {

    private IssueOnly() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        boolean again = args.length <= 3 || !args[3].equals("0");
        if (count < 1 || threads < 1 || warmUp < 0) {
            throw new IllegalArgumentException("usage: IssueOnly [N>=1 [THREADS>=1 [WARMUP>=0 [AGAIN 0|1]]]]");
        }
        CertificateAuthority ca = CertificateAuthority.create(KeyType.EC_P256, "bench-CA", Duration.ofDays(3650),
                Clock.systemUTC(), new SecureRandom());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            issue(pool, ca, "warm-", warmUp);
            double seconds = issue(pool, ca, "client-", count);
            double warmSeconds = again ? issue(pool, ca, "again-", count) : Double.NaN;
            System.out.printf(Locale.ROOT, "issue-only N=%d threads=%d warmup=%d seconds=%.3f rate=%.0f/s"
                    + " warm_seconds=%.3f warm_rate=%.0f/s%n", count, threads, warmUp, seconds, count / seconds,
                    warmSeconds, count / warmSeconds);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Submits one task per certificate, as the importer does, waits for all of them and returns
     * the seconds that took.
     */
    private static double issue(ExecutorService pool, CertificateAuthority ca, String prefix, int count)
            throws Exception {
        long start = System.nanoTime();
        List<Future<IssuedCertificate>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String cn = prefix + i;
            futures.add(pool.submit(() -> ca.issueClient(cn, Duration.ofDays(825))));
        }
        for (Future<IssuedCertificate> f : futures) {
            if (f.get() == null) {
                throw new IllegalStateException("no certificate issued");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
