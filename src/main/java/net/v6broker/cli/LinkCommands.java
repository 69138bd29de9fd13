package net.v6broker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;
import net.v6broker.link.LinkFiles;
import net.v6broker.link.LinkFolder;
import net.v6broker.link.LinkKeys;
import net.v6broker.link.LinkRegistry;
import net.v6broker.link.LinkSpec;
import net.v6broker.store.LinkRow;

/** {@code link create|list|delete}: point-to-point links between a laptop (or a site) and the home gateway. */
final class LinkCommands {
    private LinkCommands() {
    }

    /** One link as listed. */
    record Line(String name, String prefix, String dev, String gateway, String created) {
    }

    static Spec spec(Context c) {
        return Spec.group("link",
                        "Laptop and site links: one point-to-point OpenVPN link between a laptop (or a site) and the home gateway.")
                .sub(create(c))
                .sub(Spec.command("list", a -> {
                    List<Line> lines = registry(c).list().stream()
                            .map(l -> new Line(l.name(), l.prefix(), l.dev(), l.gateway(), l.createdAt().toString())).toList();
                    if (a.flag("--json")) {
                        c.out.print(Home.toJson(lines));
                        return Cli.OK;
                    }
                    c.out.printf("%-20s %-28s %-4s %-30s %s%n", "NAME", "PREFIX", "DEV", "GATEWAY", "CREATED");
                    for (Line l : lines) {
                        c.out.printf("%-20s %-28s %-4s %-30s %s%n", l.name(), l.prefix(), l.dev(), l.gateway(), l.created());
                    }
                    return Cli.OK;
                }, "List the links this broker holds prefixes for.")
                        .flag("--json", "Print a JSON array."))
                .sub(Spec.command("delete", a -> {
                    LinkRow l = registry(c).delete(a.positional(0));
                    c.out.printf("deleted link %s; %s is quarantined for %d day(s)%n", l.name(), l.prefix(),
                            c.config().clients().quarantineDays());
                    return Cli.OK;
                }, "Forget a link; its /64 is quarantined like a deleted client's (its files stay where they are).")
                        .positional("NAME", null));
    }

    private static LinkRegistry registry(Context c) {
        return new LinkRegistry(c.store(), c.config().plan(), c.clock, Duration.ofDays(c.config().clients().quarantineDays()));
    }

    private static Spec create(Context c) {
        return Spec.command("create", a -> {
            boolean legacyStaticKey = a.flag("--legacy-static-key");
            LinkSpec spec = LinkSpec.parse(a.positional(0), a.value("--gateway"), a.value("--dev"), a.value("--route"),
                    a.value("--prefix"), a.value("--behind"), a.value("--ifname"), legacyStaticKey);
            Path dir = LinkFolder.checkTarget(a.path("--out"));
            var keys = LinkKeys.generate(spec, c.clock, c.random());
            LinkSpec link;
            LinkRegistry registry = null;
            if (Files.exists(c.home().config())) {
                registry = registry(c);
                link = registry.reserve(spec);
            } else if (spec.prefix() != null) {
                link = spec;
                c.err.printf("v6broker: note: no broker home at %s: link %s is not recorded; make sure %s is not used "
                        + "elsewhere%n", c.home().dir(), spec.name(), spec.prefix());
            } else {
                throw new HomeException("no broker home at " + c.home().dir()
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
                c.err.println("v6broker: warning: --legacy-static-key wrote the seed's static-key (--secret) variant. "
                        + "OpenVPN 2.6 runs it with a deprecation warning; OpenVPN 2.7 refuses it. The default, TLS with "
                        + "peer-fingerprint, is as simple and works with both.");
            }
            c.out.printf("wrote link %s to %s: %s %s, gateway %s (%s), laptop %s%s%n", link.name(), dir,
                    link.device().cliName(), link.prefix(), link.gatewayAddress(), link.gateway(), link.laptopAddress(),
                    link.behind() != null ? ", behind the laptop " + link.behind() : "");
            for (String f : files.keySet()) {
                c.out.printf("  %s%n", f);
            }
            return Cli.OK;
        }, "Write both ends of a link into DIR: gateway/NAME.conf, NAME.up and NAME.nft (its",
                "firewall rules), laptop/NAME.conf and NAME.up, and README.txt. TLS with",
                "peer-fingerprint: each end pins the other's self-signed certificate, no CA. The",
                "link's /64 comes from the broker's address plan (so it never overlaps a client)",
                "unless --prefix gives one; the gateway is ::1, the laptop ::2, as in the seed.")
                .positional("NAME", "Letters, digits, '.', '_', '-'; 1..64; no leading '.' or '-'.")
                .required("--gateway", "HOST[:PORT]", "Where the laptop connects: a DNS name or IPv4 address; UDP port 1194 unless given.")
                .required("--out", "DIR", "The folder to write (new or empty).")
                .option("--prefix", "P/64", null, "The link's /64 (default: the lowest free one of the broker's plan).")
                .option("--dev", "tap|tun", "tap", "Device type (default: tap, as in the seed).")
                .option("--route", "2000::/3|default", "2000::/3", "What the laptop routes into the link (default: 2000::/3, as in the seed).")
                .option("--behind", "PREFIX", null, "A network behind the laptop: the gateway routes it to the laptop.")
                .option("--ifname", "IFNAME", null,
                        "The link's interface name on both ends, for the firewall (default: tap_NAME or tun_NAME).")
                .flag("--legacy-static-key", "The seed's static-key (--secret) variant: OpenVPN 2.6 warns, 2.7 refuses it.");
    }
}
