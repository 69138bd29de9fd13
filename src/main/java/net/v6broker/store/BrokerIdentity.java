package net.v6broker.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Whose database this is: the broker id that {@code init} wrote into config.json and here, and the
 * prefix every stored index is counted from. Immutable.
 */
public record BrokerIdentity(String brokerId, String prefix, Instant createdAt) {
    public BrokerIdentity {
        Objects.requireNonNull(brokerId, "brokerId");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
