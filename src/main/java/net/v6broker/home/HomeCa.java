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
            net.v6broker.ca.IssuedCertificate fresh = load(home, clock, random).issueServer("server",
                    java.time.Duration.ofDays(config.ca().certificateDays()));
            Home.writeAtomically(home.serverKey(), fresh.privateKeyPem(), Home.PRIVATE);
            Home.writeAtomically(home.serverCertificate(), fresh.certificatePem(), Home.PUBLIC);
            return java.util.Optional.of(fresh.notAfter());
        }
        return java.util.Optional.empty();
    }

    /** Records a CA just made (by {@code init}) as matching its key. */
    static void recordNew(Home home, CertificateAuthority ca) {
        KeyMatchRecord.record(home, ca.certificatePem(), ca.privateKeyPem());
    }
}
