package net.v6broker.ca;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.util.encoders.Hex;

/**
 * Micro-benchmark (a {@code main}, not a test): certificates per second for
 * {@link CertificateAuthority#issueClient} on one and on two threads, with the JDK engine and, for
 * EC, with the Bouncy Castle engine a CA switches to after {@value CertificateAuthority#FAST_ENGINE_AFTER}
 * certificates (and the one-off cost of that switch); then the raw P-256 key generation and
 * signing rates of the JDK (SunEC), the Bouncy Castle provider and Bouncy Castle's lightweight
 * API, which decided the engine design (see {@code KeyAlgorithms}, {@code BcP256KeyEngine}).
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes:<deps> net.v6broker.ca.CaSpeed [ec|rsa2048|rsa3072] [count]}
 *
 * <p>Not thread-safe; single use from {@code main}.
 */
public final class CaSpeed {

    private CaSpeed() {
    }

    public static void main(String[] args) throws Exception {
        KeyType type = args.length > 0 ? KeyType.parse(args[0]) : KeyType.EC_P256;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        SecureRandom random = new SecureRandom();
        System.out.printf(Locale.ROOT, "JDK %s, %d CPUs, SecureRandom %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                random.getAlgorithm());
        CertificateAuthority ca = CertificateAuthority.create(type, "speed-ca", Duration.ofDays(3650),
                Clock.systemUTC(), random);
        int warmUp = type == KeyType.EC_P256 ? count : Math.min(count, 20);
        CertificateAuthority jdkOnly = ca.withoutAutomaticEngineSwitch();
        run(jdkOnly, warmUp, 2, false);
        run(jdkOnly, count, 1, true);
        run(jdkOnly, count, 2, true);
        if (type == KeyType.EC_P256) {
            long start = System.nanoTime();
            run(ca, CertificateAuthority.FAST_ENGINE_AFTER, 1, false); // switches engine on the last one
            System.out.printf(Locale.ROOT, "switch to Bouncy Castle engine incl. loading it: %.0f ms%n",
                    (System.nanoTime() - start) / 1e6);
            run(ca, warmUp, 2, false);
            run(ca, count, 1, true);
            run(ca, count, 2, true);
        }
        if (type == KeyType.EC_P256) {
            Primitives.compare(random);
        }
    }

    private static void run(CertificateAuthority ca, int count, int threads, boolean print)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = count / threads + (t < count % threads ? 1 : 0);
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        ca.issueClient("client-" + thread + "-" + i, Duration.ofDays(825));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (print) {
                System.out.printf(Locale.ROOT,
                        "issueClient %-7s %-17s %d thread(s): %,d certs in %.3f s = %,7.0f certs/s%n",
                        ca.keyType().cliName(), ca.engineName(), threads, count, seconds, count / seconds);
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Raw P-256 key generation and signing rates, JDK versus Bouncy Castle. A separate class so
     * that verifying {@link CaSpeed} does not load Bouncy Castle before it is timed.
     */
    private static final class Primitives {

        static void compare(SecureRandom random) throws Exception {
            Provider bc = new BouncyCastleProvider(); // an instance only, never registered
            int n = 3_000;
            byte[] tbs = new byte[400];
            for (Provider provider : new Provider[] {null, bc}) {
                KeyPairGenerator generator = provider == null
                        ? KeyPairGenerator.getInstance("EC")
                        : KeyPairGenerator.getInstance("EC", provider);
                generator.initialize(new ECGenParameterSpec("secp256r1"), random);
                KeyPair ca = generator.generateKeyPair();
                Signature signature = provider == null
                        ? Signature.getInstance("SHA256withECDSA")
                        : Signature.getInstance("SHA256withECDSA", provider);
                signature.initSign(ca.getPrivate(), random);
                String name = generator.getProvider().getName();
                rate("keygen P-256 " + name + " provider", n, () -> generator.generateKeyPair());
                rate("sign ECDSA   " + name + " provider", n, () -> {
                    signature.update(tbs);
                    signature.sign();
                });
            }
            SecP256R1Curve curve = new SecP256R1Curve();
            ECDomainParameters domain = new ECDomainParameters(curve, curve.decodePoint(Hex.decode("04"
                    + "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                    + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")),
                    curve.getOrder(), curve.getCofactor());
            ECKeyPairGenerator generator = new ECKeyPairGenerator();
            generator.init(new ECKeyGenerationParameters(domain, random));
            rate("keygen P-256 BC lightweight API", n, generator::generateKeyPair);
            DSADigestSigner signer = new DSADigestSigner(new ECDSASigner(), new SHA256Digest());
            signer.init(true, new ParametersWithRandom(generator.generateKeyPair().getPrivate(), random));
            rate("sign ECDSA   BC lightweight API", n, () -> {
                signer.update(tbs, 0, tbs.length);
                signer.generateSignature();
            });
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void rate(String what, int n, Action action) throws Exception {
        for (int i = 0; i < n; i++) {
            action.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            action.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-34s %,8.0f ops/s (%.1f us/op)%n", what, n / seconds, seconds * 1e6 / n);
    }
}
