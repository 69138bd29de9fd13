package net.v6broker.store;

import java.time.Instant;
import net.v6broker.ipam.Pool;

/** One client as stored. {@code serial} is its current certificate (lower-case hex). */
public record ClientRow(long id, String name, Pool type, ClientOs os, String email, ClientStatus status,
                        long poolIndex, String serial, Instant createdAt, Instant updatedAt, Instant deletedAt) {
}
