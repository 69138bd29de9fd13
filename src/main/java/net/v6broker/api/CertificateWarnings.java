package net.v6broker.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.ca.Pem;
import net.v6broker.config.BrokerConfig;

/**
 * What an operator must hear about before a certificate locks clients out: the CA within
 * {@code ca.caWarnDays} of its end, and a server certificate that was due for renewal
 * ({@code ca.serverRenewDays}) and is still there with less than half of that left. One text,
 * said by {@code check}, the daemon's log and the web UI's banner; the metrics carry the seconds.
 */
public final class CertificateWarnings {
    private CertificateWarnings() {
    }

    public static List<String> of(String caPem, String serverPem, Instant now, BrokerConfig.Ca ca) {
        List<String> out = new ArrayList<>();
        Instant caEnds = Pem.readCertificate(caPem).getNotAfter().toInstant();
        if (now.plus(Duration.ofDays(ca.caWarnDays())).isAfter(caEnds)) {
            out.add("the CA certificate ends " + caEnds.truncatedTo(ChronoUnit.SECONDS) + " (" + days(now, caEnds) + "): every "
                    + "certificate it signed stops working then; start 'v6broker ca rollover' well before, so that every "
                    + "client is re-issued under the new CA in time (docs/operator-guide.md, CA rollover)");
        }
        Instant serverEnds = Pem.readCertificate(serverPem).getNotAfter().toInstant();
        if (now.plus(Duration.ofDays(ca.serverRenewDays()).dividedBy(2)).isAfter(serverEnds)) {
            out.add("the server certificate ends " + serverEnds.truncatedTo(ChronoUnit.SECONDS) + " (" + days(now, serverEnds)
                    + ") and was not renewed: 'serve' renews it from " + ca.serverRenewDays() + " days before its end; "
                    + "is it running, and does this home hold the CA key?");
        }
        return out;
    }

    private static String days(Instant now, Instant end) {
        long d = Duration.between(now, end).toDays();
        return end.isBefore(now) ? "ended already" : "in " + d + " day" + (d == 1 ? "" : "s");
    }
}
