package net.v6broker.ca;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * Test dimension: the CA key type and, for EC, which {@link KeyEngine} issues (the JDK's, used for
 * the first certificates, or Bouncy Castle's, used after many).
 */
enum CaVariant {
    EC_P256_JDK(KeyType.EC_P256, false),
    EC_P256_BOUNCY_CASTLE(KeyType.EC_P256, true),
    RSA_2048(KeyType.RSA_2048, false);

    final KeyType type;
    final boolean fastEngine;

    CaVariant(KeyType type, boolean fastEngine) {
        this.type = type;
        this.fastEngine = fastEngine;
    }

    /** A new CA with a ten-year certificate, switched to the fast engine if this variant says so. */
    CertificateAuthority create(String commonName, Clock clock, SecureRandom random) {
        CertificateAuthority ca = CertificateAuthority.create(type, commonName, Duration.ofDays(3650),
                clock, random);
        if (fastEngine && !ca.switchToFastEngine().name().equals("bouncycastle-p256")) {
            throw new AssertionError("could not switch to the Bouncy Castle engine");
        }
        return ca;
    }
}
