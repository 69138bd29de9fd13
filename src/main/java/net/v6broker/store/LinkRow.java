package net.v6broker.store;

import java.time.Instant;

/**
 * One laptop or site link as stored. {@code poolIndex} is its index in the broker's subnet pool, or
 * null when its /64 lies outside the broker's prefix.
 */
public record LinkRow(long id, String name, String prefix, Long poolIndex, String dev, String gateway,
                      Instant createdAt, Instant deletedAt, Instant reusableAt) {
}
