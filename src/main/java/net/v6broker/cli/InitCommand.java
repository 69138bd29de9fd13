package net.v6broker.cli;

import java.nio.file.Path;
import net.v6broker.ca.KeyType;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.Region;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.error.InvalidInputException;
import net.v6broker.home.HomeSetup;
import net.v6broker.openvpn.ServerDirs;

/** {@code init}: a new broker home, or a further node of a broker on PostgreSQL. */
final class InitCommand {
    private InitCommand() {
    }

    private static final String SIZES_ACCEPTED = "accepted a comma-separated list of 64, 60, 56 and 48, such as 64,56,48, "
            + "each with its region's first and last block or none, such as 64=2001:db8:100:1::/64..2001:db8:17f:ffff::/64";

    /**
     * The plan {@code --sizes} asks for: "64,56,48" lays the sizes out by default; "64=A..B,56=C..D"
     * puts each region from block A to block B (every size bounded, or none).
     */
    static AddressPlan plan(Ipv6Prefix p, String text) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        java.util.List<String[]> bounds = new java.util.ArrayList<>();
        for (String part : text.split(",", -1)) {
            String t = part.trim();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/?([0-9]{2})(?:=([0-9A-Fa-f:]+/[0-9]{2})\\.\\.([0-9A-Fa-f:]+/[0-9]{2}))?")
                    .matcher(t);
            if (!m.matches()) {
                throw new InvalidInputException("--sizes '" + text + "': " + SIZES_ACCEPTED);
            }
            sizes.add(Integer.parseInt(m.group(1)));
            if (m.group(2) != null) {
                bounds.add(new String[] {m.group(1), m.group(2), m.group(3)});
            }
        }
        if (bounds.isEmpty()) {
            return AddressPlan.layout(p, sizes);
        }
        if (bounds.size() != sizes.size()) {
            throw new InvalidInputException("--sizes '" + text + "': give every size its bounds, or none (the default layout)");
        }
        if (!sizes.contains(64)) {
            throw new InvalidInputException("--sizes '" + text + "': the sizes must include 64 (a subnet's size unless told)");
        }
        AddressPlan plan = new AddressPlan(p, java.util.List.of());
        for (String[] b : bounds) {
            int size = Integer.parseInt(b[0]);
            plan = plan.withRegion(size, plan.blockIndex(size, Ipv6Prefix.parse(b[1])), plan.blockIndex(size, Ipv6Prefix.parse(b[2])));
        }
        return plan;
    }

    static Spec spec(Context c) {
        return Spec.command("init", a -> {
            Path join = a.path("--join");
            String prefix = a.value("--prefix");
            String endpoint = a.value("--endpoint");
            if (join != null) {
                if (prefix != null || endpoint != null) {
                    throw new InvalidInputException("--join takes everything from the bundle: drop --prefix and --endpoint");
                }
                ServerDirs.requireRenderableHome(c.homeDir);
                Home home = new HomeSetup(c.clock, c.random()).join(c.homeDir, join);
                BrokerConfig config = home.loadConfig();
                c.out.printf("joined the broker on %s as node %s (home %s)%n", config.database().url(), config.endpoint(), home.dir());
                return Cli.OK;
            }
            if (prefix == null || endpoint == null) {
                throw new InvalidInputException("init needs --prefix P and --endpoint HOST[:PORT] (or --join BUNDLE)");
            }
            ServerDirs.requireRenderableHome(c.homeDir);
            KeyType type = KeyType.parse(a.value("--key-type"));
            BrokerConfig config = new BrokerConfig(prefix.trim(), BrokerConfig.Endpoint.parse(endpoint),
                    new BrokerConfig.Ca(type.cliName(), null, 0, 0, 0), null, null)
                    .withUpstream(BrokerConfig.Upstream.parse(a.value("--upstream")))
                    .withOpenVpn(new BrokerConfig.OpenVpn(null, 0, null)); // tls-crypt-v2 only: no profile of v1 exists yet
            Ipv6Prefix p = AddressPlan.parsePrefix(prefix.trim());
            String sizes = a.value("--sizes");
            AddressPlan plan = sizes == null ? AddressPlan.layout(p, AddressPlan.defaultSizes(p.length())) : plan(p, sizes);
            Home home = new HomeSetup(c.clock, c.random()).create(c.homeDir, config, plan);
            c.out.printf("created broker home %s%n", home.dir());
            if (plan.hermitOnly()) {
                c.out.printf("  prefix     %s (hermits only, from %s; the shared tun's network)%n", plan.prefix(), plan.hermitNetwork());
            } else {
                c.out.printf("  prefix     %s (transfer %s, hermits %s)%n", plan.prefix(), plan.transferNetwork(), plan.hermitNetwork());
            }
            for (Region r : plan.regions()) {
                c.out.printf("  /%-2d region %s .. %s (%d blocks)%n", r.size(), r.block(p, r.first()), r.block(p, r.last()),
                        r.capacity());
            }
            c.out.printf("  endpoint   %s%n", config.endpoint());
            if (config.upstream().onLink()) {
                c.out.printf("  upstream   on-link at %s: serve answers neighbour discovery there for each active hermit%n",
                        config.upstream().interfaceName());
            }
            c.out.printf("  CA         %s, key %s (mode 0600)%n", type.cliName(), home.caKey());
            return Cli.OK;
        }, "Create a broker home: configuration, CA, server certificate, tls-crypt key, CRL and database.")
                .option("--join", "BUNDLE.tar.gz", null,
                        "Join an existing broker on PostgreSQL as a further node, from 'v6broker node add --out BUNDLE'.")
                .option("--prefix", "P", null, "The broker's IPv6 prefix, /32 to /64 (e.g. 2001:db8:abba:f100::/56; a /61../64 "
                        + "serves hermits only).")
                .option("--upstream", "routed|on-link:IF", "routed", "How P reaches this server: routed to it (default), or "
                        + "on-link at interface IF, where serve answers neighbour discovery for each active hermit (hermit-only P).")
                .option("--sizes", "LIST", null, "The subnet sizes the plan offers, a region each, e.g. 64,56,48 (default:"
                        + " 64; with 56 from a /48 prefix on, and 48 from a /40 on); SIZE=FIRST..LAST places a region "
                        + "(every size then), e.g. 64=2001:db8:100:1::/64..2001:db8:100:ff::/64.")
                .option("--endpoint", "HOST[:PORT]", null, "Where clients connect (UDP; port 1194 unless given).")
                .option("--key-type", "TYPE", "ec", "ec (P-256, default), rsa (3072), rsa2048 or rsa3072.");
    }
}
