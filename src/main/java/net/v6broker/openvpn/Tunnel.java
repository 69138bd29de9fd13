package net.v6broker.openvpn;

import java.math.BigInteger;
import java.util.List;
import net.v6broker.broker.Client;
import net.v6broker.ipam.Assignment;
import net.v6broker.ipam.InterfaceAddress;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.client.ClientKind;

/**
 * One client's tunnel as seen from its side, in one layout: where it connects, the address its tun
 * carries, the address it can ping through the tunnel, and the LAN address of a subnet client.
 * Every text field passes {@link Safe#token} in the constructor, so whatever is built from a
 * Tunnel is built from checked values only. Immutable and thread-safe.
 *
 * @param tunnelAddress address/length on the client's tun (shared subnet {@code T::XXXX:2/64},
 *                      shared hermit {@code H::N/64}, per-client subnet {@code T::XXXX:2/112},
 *                      per-client hermit {@code H::N/64})
 * @param serverAddress what the client can ping through the tunnel (shared: {@code T::1};
 *                      per-client subnet {@code T::XXXX:1}; per-client hermit {@code fe80::1})
 * @param lanAddress    a subnet client's LAN address {@code S::1/64}; null for a hermit
 */
record Tunnel(String name, ClientKind type, Layout layout, String host, int port, String prefix, String tunnelAddress,
              String serverAddress, List<String> routes, String lanAddress) {

    private static final BigInteger IID_MASK = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger LINK_LOCAL = new BigInteger("fe80" + "0".repeat(28), 16);

    Tunnel {
        Safe.token("client name", name);
        Safe.token("endpoint host", host);
        if (port < 1 || port > 65535) {
            throw new PortOutOfRangeException("client '" + name + "': port " + port + " is outside 1..65535");
        }
        Safe.token("prefix", prefix);
        Safe.token("tunnel address", tunnelAddress);
        Safe.token("server address", serverAddress);
        routes = List.copyOf(routes);
        routes.forEach(r -> Safe.token("route", r));
        if (lanAddress != null) {
            Safe.token("LAN address", lanAddress);
        }
    }

    static Tunnel of(Site site, Client c, Layout layout) {
        Assignment a = c.assignment();
        boolean hermit = c.type() == ClientKind.HERMIT;
        String tunnel;
        String server;
        if (layout == Layout.SHARED) {
            tunnel = (hermit ? a.prefix().address() : a.transferClient().address()) + "/64";
            server = site.transferServer();
        } else {
            tunnel = hermit ? a.prefix().address() + "/64" : a.transferClient().toString();
            server = a.transferServer().address();
        }
        String lan = hermit ? null : Ipv6Prefix.format(a.prefix().network().add(BigInteger.ONE)) + "/64";
        int port = layout == Layout.SHARED ? site.endpoint().port() : perClientPort(site, c);
        return new Tunnel(c.name(), c.type(), layout, site.endpoint().host(), port, a.prefix().toString(), tunnel,
                server, site.clientRoutes(), lan);
    }

    /** {@code openvpn.portBase + id}; ids are never reused, so the port is stable for the client's life. */
    static int perClientPort(Site site, Client c) {
        long port = site.openvpn().portBase() + c.id();
        if (port > 65535) {
            throw new PortOutOfRangeException("client '" + c.name() + "' (id " + c.id() + ") would listen on UDP port "
                    + port + " = openvpn.portBase " + site.openvpn().portBase() + " + id, above 65535: lower "
                    + "openvpn.portBase in config.json or use the shared layout");
        }
        return (int) port;
    }

    /**
     * The per-client server's link-local address: {@code fe80::} plus the interface identifier of the
     * transfer address, as in the seed ({@code ::f101:1/112} gives {@code fe80::f101:1/64}); a hermit
     * uses the plan's {@code fe80::1/64}.
     */
    static InterfaceAddress serverLinkLocal(Assignment a) {
        if (a.pool() == ClientKind.HERMIT) {
            return a.transferServer();
        }
        return new InterfaceAddress(LINK_LOCAL.or(a.transferServer().value().and(IID_MASK)), 64);
    }

    boolean hermit() {
        return type == ClientKind.HERMIT;
    }

    /** The address of {@link #tunnelAddress} without its length. */
    String tunnelIp() {
        return tunnelAddress.substring(0, tunnelAddress.indexOf('/'));
    }

    int tunnelLength() {
        return Integer.parseInt(tunnelAddress.substring(tunnelAddress.indexOf('/') + 1));
    }

    String lanIp() {
        return lanAddress == null ? null : lanAddress.substring(0, lanAddress.indexOf('/'));
    }

    /** A subnet client's LAN /64: the first /64 of its prefix (the one its LAN address is in); null for a hermit. */
    String lanNetwork() {
        return hermit() ? null : slash64(0).toString();
    }

    /**
     * An address in the last /64 of a prefix larger than a /64 ({@code ::1} there), which no LAN
     * uses unless the site gave that /64 one: where the doctor asks whether traffic for the unused
     * /64s stops at the router or loops back into the tunnel. Null for a hermit and a /64.
     */
    String loopProbe() {
        if (hermit() || slash64s() == 1) {
            return null;
        }
        return Profiles.rfc5952(new InterfaceAddress(slash64(slash64s() - 1).network().add(BigInteger.ONE), 128).address());
    }

    /** How many /64s its prefix holds (1 for a /64). */
    long slash64s() {
        return 1L << (64 - Ipv6Prefix.parse(prefix).length());
    }

    /** The {@code k}-th /64 of its prefix. */
    Ipv6Prefix slash64(long k) {
        Ipv6Prefix p = Ipv6Prefix.parse(prefix);
        return new Ipv6Prefix(p.network().add(BigInteger.valueOf(k).shiftLeft(64)), 64);
    }
}
