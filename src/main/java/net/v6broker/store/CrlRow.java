package net.v6broker.store;

import java.time.Instant;

/** One issued CRL. */
public record CrlRow(long number, Instant thisUpdate, Instant nextUpdate, String pem) {
}
