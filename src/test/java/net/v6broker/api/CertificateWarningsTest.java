package net.v6broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.KeyType;
import net.v6broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

/** The CA is warned about from ca.caWarnDays before its end; a server certificate that should have been renewed, too. */
class CertificateWarningsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final BrokerConfig.Ca policy = new BrokerConfig.Ca(null, null, 0, 0, 0, 30, 180);

    private CertificateAuthority ca(int days) {
        return CertificateAuthority.create(KeyType.EC_P256, "v6broker-CA", Duration.ofDays(days), clock, new SecureRandom());
    }

    @Test
    void nothingWhileBothHaveTimeLeft() {
        CertificateAuthority ca = ca(3650);
        assertThat(CertificateWarnings.of(ca.certificatePem(), ca.issueServer("server", Duration.ofDays(825)).certificatePem(), NOW,
                policy)).isEmpty();
    }

    @Test
    void theCaFromItsLeadTimeAndAServerCertificateLeftUnrenewed() {
        CertificateAuthority ca = ca(179);
        String server = ca.issueServer("server", Duration.ofDays(14)).certificatePem();
        assertThat(CertificateWarnings.of(ca.certificatePem(), server, NOW, policy))
                .satisfiesExactly(w -> assertThat(w).startsWith("the CA certificate ends").contains("in 179 days", "ca rollover"),
                        w -> assertThat(w).startsWith("the server certificate ends").contains("in 14 days", "was not renewed"));
        // within the renewal lead but not yet half-way through it: the daemon's to renew, nothing to warn about
        assertThat(CertificateWarnings.of(ca(3650).certificatePem(), ca.issueServer("server", Duration.ofDays(20)).certificatePem(),
                NOW, policy)).isEmpty();
    }
}
