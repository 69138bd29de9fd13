package net.v6broker.store;

import java.time.Instant;

/** One entry of the append-only event stream. */
public record EventRow(long id, Instant at, EventKind kind, Long clientId, String clientName, String detail) {
}
