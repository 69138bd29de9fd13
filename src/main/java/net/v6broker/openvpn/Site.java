package net.v6broker.openvpn;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * What every rendering needs from the configuration: the address plan, where clients connect, and
 * the {@code openvpn} section. Immutable and thread-safe.
 */
public record Site(AddressPlan plan, BrokerConfig.Endpoint endpoint, BrokerConfig.OpenVpn openvpn,
                   List<BrokerConfig.Endpoint> otherNodes) {
    /** The dynamic pool's offset in the transfer /64: {@code T::ffff:ffff:ffff:0/112}, far from every static address. */
    private static final BigInteger POOL_OFFSET = new BigInteger("ffffffffffff0000", 16);
    /** Every route {@code redirect-gateway ipv6} installs (OpenVPN 2.6, init.c). */
    static final List<String> REDIRECT_ROUTES = List.of("::/3", "2000::/4", "3000::/4", "fc00::/7");

    public Site {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(openvpn, "openvpn");
        otherNodes = otherNodes == null ? List.of() : otherNodes.stream().filter(e -> !e.equals(endpoint)).distinct().toList();
    }

    public Site(AddressPlan plan, BrokerConfig.Endpoint endpoint, BrokerConfig.OpenVpn openvpn) {
        this(plan, endpoint, openvpn, List.of());
    }

    /** The same site with every node's endpoint, so a shared-layout profile lists them all. */
    public Site withNodes(List<BrokerConfig.Endpoint> nodes) {
        return new Site(plan, endpoint, openvpn, nodes);
    }

    public static Site of(BrokerConfig config) {
        return new Site(config.plan(), config.endpoint(), config.openvpn());
    }

    /** What profiles are rendered from: the plan, this node's endpoint and every other node's (from the database). */
    public static Site forHome(BrokerConfig config, net.v6broker.store.Store store) {
        List<BrokerConfig.Endpoint> nodes = new java.util.ArrayList<>();
        for (String[] n : store.read(tx -> tx.nodes())) {
            nodes.add(new BrokerConfig.Endpoint(n[0], Integer.parseInt(n[1])));
        }
        return of(config).withNodes(nodes);
    }

    /**
     * The shared tun's network: the transfer /64, or for a hermit-only plan (no transfer /64) the
     * hermit /64 itself (P, for a /64).
     */
    Ipv6Prefix tunNetwork() {
        return plan.hermitOnly() ? plan.hermitNetwork() : plan.transferNetwork();
    }

    /** The server's address on the shared tun: {@code T::1} (a hermit-only plan's {@code H::1}). */
    String transferServer() {
        return Ipv6Prefix.format(tunNetwork().network().add(BigInteger.ONE));
    }

    /** The address {@code ifconfig-ipv6} names as the remote end: {@code T::2}. */
    String transferRemote() {
        return Ipv6Prefix.format(tunNetwork().network().add(BigInteger.TWO));
    }

    /** The hermits' on-link gateway as pushed to them: {@code H::1}. */
    String hermitGateway() {
        return Ipv6Prefix.format(plan.hermitNetwork().network().add(BigInteger.ONE));
    }

    /** {@code T::ffff:ffff:ffff:0/112}: above every hermit index (they end at 2^63 - 1) on a hermit-only tun. */
    String dynamicPool() {
        return new Ipv6Prefix(tunNetwork().network().add(POOL_OFFSET), 112).toString();
    }

    /** True when clients send all of IPv6 into the tunnel, false for {@code 2000::/3} only. */
    boolean redirectAll() {
        return openvpn.route().equals("default");
    }

    /** The routes a client installs into the tunnel. */
    List<String> clientRoutes() {
        return redirectAll() ? REDIRECT_ROUTES : List.of(openvpn.route());
    }
}
