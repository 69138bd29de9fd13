package net.v6broker.broker;

import java.time.Instant;
import net.v6broker.ipam.Assignment;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;

/** A client as the broker shows it: its record, its addresses and its current certificate. */
public record Client(long id, String name, ClientKind type, ClientOs os, String email, ClientStatus status,
                     Assignment assignment, String serial, Instant notBefore, Instant notAfter,
                     Instant createdAt, String certificatePem, String privateKeyPem) {
    /** Whether it may connect: active (not suspended, not revoked). */
    public boolean active() {
        return status == ClientStatus.ACTIVE;
    }
}
