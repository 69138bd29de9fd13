package net.v6broker.openvpn;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import net.v6broker.broker.Client;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.ca.KeyType;
import net.v6broker.ca.TlsCryptKey;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;

/** Clients, keys and sites on the seed's prefix, built without a database. */
public final class Fixtures {
    static final String SEED_PREFIX = "2001:638:500:f100::/56";
    static final AddressPlan PLAN = AddressPlan.parse(SEED_PREFIX);
    static final SecureRandom RANDOM = new SecureRandom();
    static final CertificateAuthority CA = CertificateAuthority.create(KeyType.EC_P256, "test-CA", Duration.ofDays(30),
            Clock.systemUTC(), RANDOM);
    static final String TLS_CRYPT = TlsCryptKey.generate(RANDOM);
    static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

    private Fixtures() {
    }

    static Site site(String route) {
        return new Site(PLAN, BrokerConfig.Endpoint.parse("vpn.example.net:1194"), new BrokerConfig.OpenVpn(route, 0, null));
    }

    static Site site() {
        return site("default");
    }

    /** {@link #site()} with the TCP fallback instance on port 443. */
    static Site siteWithTcp() {
        return siteWith(false, 443, 0);
    }

    /** {@link #site()} with the verify hook on or off, a TCP instance on tcpPort and one without tls-crypt on compatPort (0: none). */
    static Site siteWith(boolean verify, int tcpPort, int compatPort) {
        return new Site(PLAN, BrokerConfig.Endpoint.parse("vpn.example.net:1194"),
                new BrokerConfig.OpenVpn("default", 0, null, "v2", verify, tcpPort, compatPort));
    }

    /** The subnet client with the seed's /64 2001:638:500:f101::/64 (index 1). */
    static Client subnet(String name, long id, ClientOs os, ClientStatus status) {
        return client(name, id, ClientKind.SUBNET, 1, os, status);
    }

    /** The first hermit, 2001:638:500:f1ff::100. */
    static Client hermit(String name, long id, ClientOs os, ClientStatus status) {
        return client(name, id, ClientKind.HERMIT, AddressPlan.FIRST_HERMIT, os, status);
    }

    public static Client client(String name, long id, ClientKind pool, long index, ClientOs os, ClientStatus status) {
        IssuedCertificate cert = CA.issueClient(name.replaceAll("[^A-Za-z0-9._-]", "x"), Duration.ofDays(10));
        return new Client(id, name, pool, os, name + "@example.net", status, PLAN.assignment(pool, index), "01",
                Instant.parse("2025-01-01T00:00:00Z"), NOT_AFTER, Instant.parse("2025-01-01T00:00:00Z"),
                cert.certificatePem(), cert.privateKeyPem());
    }
}
