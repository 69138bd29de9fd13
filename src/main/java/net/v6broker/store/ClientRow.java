package net.v6broker.store;

import net.v6broker.client.ClientOs;

import net.v6broker.client.ClientStatus;

import java.time.Instant;
import net.v6broker.client.ClientKind;

/**
 * One client as stored. {@code size} is its prefix length (128 for a hermit, its block's for a
 * subnet) and {@code poolIndex} its number in the pool of that size; {@code serial} is its current
 * certificate (lower-case hex).
 */
public record ClientRow(long id, String name, ClientKind type, ClientOs os, String email, ClientStatus status,
                        long poolIndex, int size, String serial, Instant createdAt, Instant updatedAt, Instant deletedAt) {
}
