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

    /** Records a CA just made (by {@code init}) as matching its key. */
    static void recordNew(Home home, CertificateAuthority ca) {
        KeyMatchRecord.record(home, ca.certificatePem(), ca.privateKeyPem());
    }
}
