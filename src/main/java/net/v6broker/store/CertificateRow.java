package net.v6broker.store;

import java.time.Instant;

/** One issued certificate; {@code clientId} is null for server certificates. */
public record CertificateRow(String serial, Long clientId, String role, String commonName, Instant notBefore,
                             Instant notAfter, String certificatePem, String privateKeyPem, Instant createdAt,
                             Instant revokedAt) {
}
