package net.v6broker.home;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.ca.CaException;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.TlsCryptKey;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;

/**
 * What the daemon checks in its home at start, so that a broken file is reported then (in the log
 * and in {@code /api/v1/health}) and not at the first change: the CA certificate and key (readable,
 * and the key proven to belong to the certificate by one signature), the server certificate and
 * key (issued by that CA, valid now, matching), and the tls-crypt key. Each problem names the file
 * and the reason. Stateless.
 */
public final class HomeCheck {
    private HomeCheck() {
    }

    /** Every problem found; empty when the home can issue, sign CRLs and serve. */
    public static List<String> problems(Home home, Clock clock, SecureRandom random) {
        List<String> out = new ArrayList<>();
        CertificateAuthority ca = null;
        try {
            ca = HomeCa.load(home, clock, random);
            ca.proveKey();
        } catch (RuntimeException e) {
            out.add(home.caKey() + " / " + home.caCertificate() + ": " + reason(e));
        }
        if (ca != null) {
            try {
                // during a CA rollover the server keeps its certificate of the previous CA (docs/decisions.md 32)
                ca.predecessor().orElse(ca).checkServer(home.read(home.serverCertificate()), home.read(home.serverKey()),
                        clock.instant());
            } catch (RuntimeException e) {
                out.add(home.serverKey() + " / " + home.serverCertificate() + ": " + reason(e));
            }
        }
        try {
            TlsCryptKey.parse(home.read(home.tlsCryptKey()));
        } catch (RuntimeException e) {
            out.add(home.tlsCryptKey() + ": " + reason(e));
        }
        return out;
    }

    /** A checker reports every failure, whatever its type: a key of a kind nobody expected is a problem too. */
    private static String reason(RuntimeException e) {
        if (e instanceof java.io.UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause().getMessage();
        }
        return e instanceof CaException || e instanceof HomeException || e instanceof IllegalArgumentException
                ? e.getMessage() : e.toString();
    }
}
