package net.v6broker.link;

import net.v6broker.error.InvalidInputException;

import java.math.BigInteger;
import java.util.Objects;
import java.util.regex.Pattern;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Defaults;
import net.v6broker.config.Validation;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * What {@code v6broker link create} was asked for, validated: every value that reaches a config
 * file, a script or a firewall rule passes a strict whitelist here. {@code prefix} is null until the
 * link's /64 is known (given, or allocated from the broker's plan). Immutable and thread-safe.
 *
 * @param name            the link's name: as a client name, {@code [A-Za-z0-9_][A-Za-z0-9._-]{0,63}}
 * @param gatewayHost     where the laptop connects: a DNS name or an IPv4 address (the laptop
 *                        routes IPv6 into the link, so it must reach the gateway over IPv4)
 * @param gatewayPort     the gateway's UDP port
 * @param route           what the laptop routes into the link: {@code 2000::/3} (the seed's) or {@code default}
 * @param prefix          the link's /64: the gateway is {@code ::1}, the laptop {@code ::2}
 * @param behind          a network behind the laptop, routed to it by the gateway; null for none
 * @param ifname          the link's interface name on both ends, for the firewall
 * @param legacyStaticKey the seed's {@code --secret} variant instead of TLS with {@code peer-fingerprint}
 */
public record LinkSpec(String name, String gatewayHost, int gatewayPort, LinkDevice device, String route,
                       Ipv6Prefix prefix, Ipv6Prefix behind, String ifname, boolean legacyStaticKey) {
    /** Linux's IFNAMSIZ less the terminating NUL: 15 characters. */
    static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    public static final String GLOBAL_UNICAST = "2000::/3";
    public static final String DEFAULT = "default";

    public LinkSpec {
        Validation.name(name);
        Objects.requireNonNull(device, "device");
        Validation.host(gatewayHost);
        if (gatewayHost.indexOf(':') >= 0) {
            throw new InvalidInputException("--gateway " + Validation.quote(gatewayHost) + " is an IPv6 address: the "
                    + "laptop routes IPv6 into the link, so it must reach the gateway over IPv4; give the gateway's "
                    + "IPv4 address or a DNS name with an A record");
        }
        Validation.port("--gateway port", gatewayPort);
        if (!GLOBAL_UNICAST.equals(route) && !DEFAULT.equals(route)) {
            throw new InvalidInputException("invalid --route " + Validation.quote(route) + ": accepted 2000::/3, default");
        }
        if (prefix != null && prefix.length() != 64) {
            throw new InvalidInputException("--prefix " + prefix + " is a /" + prefix.length()
                    + ": a link uses one /64, as in the seed (the gateway is ::1, the laptop ::2)");
        }
        if (behind != null && prefix != null && behind.overlaps(prefix)) {
            throw new InvalidInputException("--behind " + behind + " overlaps the link's own prefix " + prefix
                    + ": the network behind the laptop must be another prefix");
        }
        if (behind != null && behind.length() == 0) {
            throw new InvalidInputException("--behind ::/0 would route all of IPv6 to the laptop: give the laptop's network");
        }
        if (ifname == null || !INTERFACE.matcher(ifname).matches()) {
            throw new InvalidInputException("invalid --ifname " + Validation.quote(ifname)
                    + ": accepted 1..15 letters, digits, '_', '.', '-' (a Linux interface name, such as tap_home)");
        }
    }

    /**
     * Parses the command line's text. {@code gateway} is {@code HOST[:PORT]} (port 1194 when
     * omitted); {@code ifname} defaults to {@code tap_NAME} or {@code tun_NAME}.
     */
    public static LinkSpec parse(String name, String gateway, String dev, String route, String prefix, String behind,
                                 String ifname, boolean legacyStaticKey) {
        Validation.name(name);
        LinkDevice device = LinkDevice.parse(dev == null ? "tap" : dev);
        BrokerConfig.Endpoint endpoint = parseGateway(gateway);
        String iface = ifname;
        if (iface == null) {
            iface = device.cliName() + "_" + name;
            if (!INTERFACE.matcher(iface).matches()) {
                throw new InvalidInputException("the default interface name " + Validation.quote(iface)
                        + " is longer than Linux's 15 characters: give a shorter one with --ifname, e.g. --ifname "
                        + device.cliName() + "_" + name.substring(0, Math.min(name.length(), 11)).replaceAll("[^A-Za-z0-9_.-]", "_"));
            }
        }
        return new LinkSpec(name, endpoint.host(), endpoint.port(), device, route == null ? GLOBAL_UNICAST : route,
                prefix == null ? null : parsePrefix("--prefix", prefix), behind == null ? null : parsePrefix("--behind", behind),
                iface, legacyStaticKey);
    }

    private static BrokerConfig.Endpoint parseGateway(String gateway) {
        if (gateway == null || gateway.isBlank()) {
            throw new InvalidInputException("missing --gateway: expected HOST[:PORT], e.g. gateway.example.net:1194");
        }
        try {
            return BrokerConfig.Endpoint.parse(gateway);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("--gateway " + Validation.quote(gateway) + ": " + e.getMessage());
        }
    }

    private static Ipv6Prefix parsePrefix(String option, String text) {
        try {
            return Ipv6Prefix.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(option + ": " + e.getMessage());
        }
    }

    /** The same link with its /64 known. */
    public LinkSpec withPrefix(Ipv6Prefix linkPrefix) {
        return new LinkSpec(name, gatewayHost, gatewayPort, device, route, linkPrefix, behind, ifname, legacyStaticKey);
    }

    /** The gateway's address on the link, {@code L::1} (without length). */
    public String gatewayAddress() {
        return host(1);
    }

    /** The laptop's address on the link, {@code L::2} (without length). */
    public String laptopAddress() {
        return host(2);
    }

    /** {@code HOST} or {@code HOST:PORT} when the port is not 1194. */
    public String gateway() {
        return gatewayPort == Defaults.PORT ? gatewayHost : gatewayHost + ":" + gatewayPort;
    }

    private String host(int n) {
        if (prefix == null) {
            throw new IllegalStateException("link '" + name + "' has no prefix yet");
        }
        return Ipv6Prefix.format(prefix.network().add(BigInteger.valueOf(n)));
    }
}
