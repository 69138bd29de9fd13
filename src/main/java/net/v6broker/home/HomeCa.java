package net.v6broker.home;

import java.security.SecureRandom;
import java.time.Clock;
import net.v6broker.ca.CaException;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.config.Home;

/** The CA of a home, loaded from its files. Stateless. */
public final class HomeCa {
    private HomeCa() {
    }

    /**
     * Loads ca.crt and ca.key. A key not yet recorded as matching the certificate is proven with one
     * signature, then recorded ({@link KeyMatchRecord}); a failure names both files and the reason.
     */
    public static CertificateAuthority load(Home home, Clock clock, SecureRandom random) {
        String certificate = home.read(home.caCertificate());
        String key = home.read(home.caKey());
        boolean recorded = KeyMatchRecord.recorded(home, certificate, key);
        CertificateAuthority ca;
        try {
            ca = CertificateAuthority.load(certificate, key, clock, random, recorded);
            if (!recorded) {
                ca.proveKey();
            }
        } catch (CaException e) {
            throw new CaException("cannot load the CA from " + home.caKey() + " and " + home.caCertificate() + ": "
                    + e.getMessage(), e);
        }
        if (!recorded) {
            KeyMatchRecord.record(home, certificate, key);
        }
        if (java.nio.file.Files.exists(home.previousCaKey())) {
            // a rollover is under way: the CA it replaces still signs its CRL (docs/decisions.md 32)
            CertificateAuthority previous = CertificateAuthority.load(home.read(home.previousCaCertificate()),
                    home.read(home.previousCaKey()), clock, random);
            return ca.succeeding(previous);
        }
        return ca;
    }

    /**
     * Issues the server a new certificate and key (the same name, {@code ca.certificateDays}) when
     * the one in the home has fewer than {@code ca.serverRenewDays} left, and writes them, the key
     * first; the new certificate's end when it did. Only a home holding the CA key can: a node
     * joined without it is told so.
     */
    public static java.util.Optional<java.time.Instant> renewServerIfDue(Home home, net.v6broker.config.BrokerConfig config,
                                                                        Clock clock, SecureRandom random) {
        java.time.Instant ends = net.v6broker.ca.Pem.readCertificate(home.read(home.serverCertificate())).getNotAfter().toInstant();
        if (clock.instant().plus(java.time.Duration.ofDays(config.ca().serverRenewDays())).isAfter(ends)) {
            if (!java.nio.file.Files.exists(home.caKey())) {
                throw new CaException("the server certificate ends " + ends + " and this home has no CA key (" + home.caKey()
                        + ") to renew it with: run 'v6broker node add' for this node on a home that has it, or copy the key here");
            }
            CertificateAuthority ca = load(home, clock, random);
            // during a rollover the server keeps a certificate of the CA every client trusts until it ends
            net.v6broker.ca.IssuedCertificate fresh = ca.predecessor().orElse(ca).issueServer("server",
                    java.time.Duration.ofDays(config.ca().certificateDays()));
            Home.writeAtomically(home.serverKey(), fresh.privateKeyPem(), Home.PRIVATE);
            Home.writeAtomically(home.serverCertificate(), fresh.certificatePem(), Home.PUBLIC);
            return java.util.Optional.of(fresh.notAfter());
        }
        return java.util.Optional.empty();
    }

    /**
     * The home's CA as its files say now: loaded once, and again when one of them changed (a CA
     * rollover in another process), which three file stats per use tell. Thread-safe.
     */
    public static Current current(Home home, Clock clock, SecureRandom random) {
        return new Current(home, clock, random);
    }

    public static final class Current {
        private final Home home;
        private final Clock clock;
        private final SecureRandom random;
        private volatile String stamp;
        private volatile CertificateAuthority ca;

        private Current(Home home, Clock clock, SecureRandom random) {
            this.home = home;
            this.clock = clock;
            this.random = random;
            reload();
        }

        public CertificateAuthority get() {
            if (!stamp(home).equals(stamp)) {
                synchronized (this) {
                    if (!stamp(home).equals(stamp)) {
                        reload();
                    }
                }
            }
            return ca;
        }

        private void reload() {
            String before = stamp(home);
            ca = load(home, clock, random);
            stamp = before;
        }

        private static String stamp(Home home) {
            StringBuilder s = new StringBuilder();
            for (java.nio.file.Path f : new java.nio.file.Path[] {home.caCertificate(), home.caKey(), home.previousCaKey()}) {
                try {
                    var a = java.nio.file.Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
                    s.append(a.lastModifiedTime().toMillis()).append('/').append(a.size()).append('/')
                            .append(a.fileKey()).append(';');
                } catch (java.io.IOException e) {
                    s.append("-;");
                }
            }
            return s.toString();
        }
    }

    /**
     * Begins a CA rollover (docs/decisions.md 32): a new CA of the same key type, named
     * {@code commonName-YYYYMMDDhhmm} (UTC), issues from now on; the current one becomes the previous CA,
     * still trusted (ca.crt holds both, the new one first) and still signing its CRL. The server
     * keeps its certificate, which every client trusts. Returns the new CA's name.
     */
    public static String startRollover(Home home, net.v6broker.config.BrokerConfig config, Clock clock, SecureRandom random) {
        if (java.nio.file.Files.exists(home.previousCaKey())) {
            throw new CaException("a CA rollover is under way already (" + home.previousCaKey() + " exists): finish it first "
                    + "('v6broker ca rollover finish')");
        }
        CertificateAuthority old = load(home, clock, random);
        String name = config.ca().commonName() + "-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm")
                .format(clock.instant().atZone(java.time.ZoneOffset.UTC));
        CertificateAuthority next = CertificateAuthority.create(old.keyType(), name,
                java.time.Duration.ofDays(config.ca().caDays()), clock, random);
        Home.writeAtomically(home.previousCaCertificate(), old.certificatePem(), Home.PUBLIC);
        Home.writeAtomically(home.previousCaKey(), old.privateKeyPem(), Home.PRIVATE);
        String bundle = next.certificatePem() + old.certificatePem();
        Home.writeAtomically(home.caKey(), next.privateKeyPem(), Home.PRIVATE);
        Home.writeAtomically(home.caCertificate(), bundle, Home.PUBLIC);
        KeyMatchRecord.record(home, bundle, next.privateKeyPem());
        return name;
    }

    /**
     * Ends a rollover: the server gets a certificate of the new CA, ca.crt holds the new CA alone,
     * and the previous CA's files move to ca/retired/. The caller has checked that no live client
     * holds a certificate of the previous CA any more.
     */
    public static void finishRollover(Home home, net.v6broker.config.BrokerConfig config, Clock clock, SecureRandom random) {
        CertificateAuthority ca = load(home, clock, random);
        CertificateAuthority previous = ca.predecessor().orElseThrow(() -> new CaException("no CA rollover is under way: "
                + "start one with 'v6broker ca rollover start'"));
        net.v6broker.ca.IssuedCertificate server = ca.issueServer("server", java.time.Duration.ofDays(config.ca().certificateDays()));
        Home.writeAtomically(home.serverKey(), server.privateKeyPem(), Home.PRIVATE);
        Home.writeAtomically(home.serverCertificate(), server.certificatePem(), Home.PUBLIC);
        String alone = ca.certificatePem();
        Home.writeAtomically(home.caCertificate(), alone, Home.PUBLIC);
        KeyMatchRecord.record(home, alone, home.read(home.caKey()));
        String serial = previous.certificate().getSerialNumber().toString(16);
        java.nio.file.Path retired = home.retiredCa();
        try {
            java.nio.file.Files.createDirectories(retired);
            java.nio.file.Files.setPosixFilePermissions(retired, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            java.nio.file.Files.move(home.previousCaCertificate(), retired.resolve(serial + ".crt"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.move(home.previousCaKey(), retired.resolve(serial + ".key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("retiring the previous CA into " + retired, e);
        }
    }

    /** Records a CA just made (by {@code init}) as matching its key. */
    static void recordNew(Home home, CertificateAuthority ca) {
        KeyMatchRecord.record(home, ca.certificatePem(), ca.privateKeyPem());
    }
}
