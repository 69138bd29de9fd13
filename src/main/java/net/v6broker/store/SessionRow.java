package net.v6broker.store;

import java.time.Instant;

/** One tunnel session of a client on a node; live while {@code endedAt} is null. */
public record SessionRow(long id, String node, String clientName, long managementClientId, String realAddress,
                         String virtualIpv6, Instant connectedAt, Instant lastSeen, long bytesIn, long bytesOut,
                         Instant endedAt) {
}
