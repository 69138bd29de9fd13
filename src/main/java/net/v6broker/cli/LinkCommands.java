package net.v6broker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.v6broker.config.Home;
import net.v6broker.link.LinkFiles;
import net.v6broker.link.LinkFolder;
import net.v6broker.link.LinkKeys;
import net.v6broker.link.LinkRegistry;
import net.v6broker.link.LinkSpec;
import net.v6broker.store.LinkRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "link", mixinStandardHelpOptions = true,
        description = "Laptop and site links: one point-to-point OpenVPN link between a laptop (or a site) and the home gateway.")
final class LinkCommands implements Runnable {
    private final Context context;

    LinkCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: create, list, delete");
    }

    static List<Object> subcommands(Context c) {
        return List.of(new Create(c), new ListLinks(c), new Delete(c));
    }

    private static LinkRegistry registry(Context context) {
        return new LinkRegistry(context.store(), context.config().plan(), context.clock,
                Duration.ofDays(context.config().clients().quarantineDays()));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = {
        "Write both ends of a link into DIR: gateway/NAME.conf, NAME.up and NAME.nft (its",
        "firewall rules), laptop/NAME.conf and NAME.up, and README.txt. TLS with",
        "peer-fingerprint: each end pins the other's self-signed certificate, no CA. The",
        "link's /64 comes from the broker's address plan (so it never overlaps a client)",
        "unless --prefix gives one; the gateway is ::1, the laptop ::2, as in the seed."})
    static final class Create implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_', '-'; 1..64; no leading '.' or '-'.")
        String name;
        @Option(names = "--gateway", required = true, paramLabel = "HOST[:PORT]",
                description = "Where the laptop connects: a DNS name or IPv4 address; UDP port 1194 unless given.")
        String gateway;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write (new or empty).")
        Path out;
        @Option(names = "--prefix", paramLabel = "P/64", description = "The link's /64 (default: the lowest free one of the broker's plan).")
        String prefix;
        @Option(names = "--dev", defaultValue = "tap", paramLabel = "tap|tun", description = "Device type (default: tap, as in the seed).")
        String dev;
        @Option(names = "--route", defaultValue = "2000::/3", paramLabel = "2000::/3|default",
                description = "What the laptop routes into the link (default: 2000::/3, as in the seed).")
        String route;
        @Option(names = "--behind", paramLabel = "PREFIX", description = "A network behind the laptop: the gateway routes it to the laptop.")
        String behind;
        @Option(names = "--ifname", paramLabel = "IFNAME",
                description = "The link's interface name on both ends, for the firewall (default: tap_NAME or tun_NAME).")
        String ifname;
        @Option(names = "--legacy-static-key",
                description = "The seed's static-key (--secret) variant: OpenVPN 2.6 warns, 2.7 refuses it.")
        boolean legacyStaticKey;

        Create(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            LinkSpec spec = LinkSpec.parse(name, gateway, dev, route, prefix, behind, ifname, legacyStaticKey);
            Path dir = LinkFolder.checkTarget(out);
            var keys = LinkKeys.generate(spec, context.clock, context.random());
            LinkSpec link;
            LinkRegistry registry = null;
            if (Files.exists(context.home().config())) {
                registry = registry(context);
                link = registry.reserve(spec);
            } else if (spec.prefix() != null) {
                link = spec;
                context.err.printf("v6broker: note: no broker home at %s: link %s is not recorded; make sure %s is not used "
                        + "elsewhere%n", context.home().dir(), spec.name(), spec.prefix());
            } else {
                throw new net.v6broker.config.HomeException("no broker home at " + context.home().dir()
                        + " to take the link's /64 from: give --home DIR (or V6BROKER_HOME), or --prefix P/64");
            }
            Map<String, LinkFiles.File> files = LinkFiles.render(link, keys);
            try {
                LinkFolder.write(dir, files);
            } catch (RuntimeException e) {
                if (registry != null) {
                    registry.cancel(link.name());
                }
                throw e;
            }
            if (legacyStaticKey) {
                context.err.println("v6broker: warning: --legacy-static-key wrote the seed's static-key (--secret) variant. "
                        + "OpenVPN 2.6 runs it with a deprecation warning; OpenVPN 2.7 refuses it. The default, TLS with "
                        + "peer-fingerprint, is as simple and works with both.");
            }
            context.out.printf("wrote link %s to %s: %s %s, gateway %s (%s), laptop %s%s%n", link.name(), dir,
                    link.device().cliName(), link.prefix(), link.gatewayAddress(), link.gateway(), link.laptopAddress(),
                    link.behind() != null ? ", behind the laptop " + link.behind() : "");
            for (String f : files.keySet()) {
                context.out.printf("  %s%n", f);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the links this broker holds prefixes for.")
    static final class ListLinks implements Runnable {
        private final Context context;
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        ListLinks(Context context) {
            this.context = context;
        }

        /** One link as listed. */
        record Line(String name, String prefix, String dev, String gateway, String created) {
        }

        @Override
        public void run() {
            List<Line> lines = registry(context).list().stream()
                    .map(l -> new Line(l.name(), l.prefix(), l.dev(), l.gateway(), l.createdAt().toString())).toList();
            if (json) {
                context.out.print(Home.toJson(lines));
                return;
            }
            context.out.printf("%-20s %-28s %-4s %-30s %s%n", "NAME", "PREFIX", "DEV", "GATEWAY", "CREATED");
            for (Line l : lines) {
                context.out.printf("%-20s %-28s %-4s %-30s %s%n", l.name(), l.prefix(), l.dev(), l.gateway(), l.created());
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Forget a link; its /64 is quarantined like a deleted client's (its files stay where they are).")
    static final class Delete implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        Delete(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            LinkRow l = registry(context).delete(name);
            context.out.printf("deleted link %s; %s is quarantined for %d day(s)%n", l.name(), l.prefix(),
                    context.config().clients().quarantineDays());
        }
    }
}
