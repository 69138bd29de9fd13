package net.v6broker.ca;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One revoked certificate as listed in a CRL.
 *
 * <p>Immutable, therefore thread-safe.
 *
 * @param serial serial number of the revoked certificate; positive
 * @param revokedAt when it was revoked (written to the CRL with one-second precision)
 */
public record RevokedEntry(BigInteger serial, Instant revokedAt) {

    public RevokedEntry {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(revokedAt, "revokedAt");
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("revoked serial must be positive, got " + serial);
        }
    }
}
