package net.v6broker.ipam;

import net.v6broker.client.ClientKind;

import java.util.Objects;

/**
 * What one client gets from the plan: its prefix (a /128 for a hermit, a /64 for a subnet client)
 * and the two ends of its point-to-point link. For a subnet client these are the seed's transfer
 * addresses ({@code P::f1ab:1/112} server side, {@code ::f1ab:2/112} client side); for a hermit
 * they are link-local ({@code fe80::1/64} and {@code fe80::2/64}).
 */
public record Assignment(ClientKind pool, long index, Ipv6Prefix prefix, InterfaceAddress transferServer,
                         InterfaceAddress transferClient) {
    public Assignment {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(transferServer, "transferServer");
        Objects.requireNonNull(transferClient, "transferClient");
    }
}
