package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import net.v6broker.home.HomeSetup;
import net.v6broker.ca.KeyType;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Create a broker home: configuration, CA, server certificate, tls-crypt key, CRL and database.")
final class InitCommand implements Runnable {
    private final Context context;

    @Option(names = "--join", paramLabel = "BUNDLE.tar.gz",
            description = "Join an existing broker on PostgreSQL as a further node, from 'v6broker node add --out BUNDLE'.")
    java.nio.file.Path join;

    @Option(names = "--prefix", paramLabel = "P",
            description = "The broker's IPv6 prefix, /32 to /60 (e.g. 2001:db8:abba:f100::/56).")
    String prefix;

    @Option(names = "--endpoint", paramLabel = "HOST[:PORT]",
            description = "Where clients connect (UDP; port 1194 unless given).")
    String endpoint;

    @Option(names = "--key-type", defaultValue = "ec", paramLabel = "TYPE",
            description = "ec (P-256, default), rsa (3072), rsa2048 or rsa3072.")
    String keyType;

    InitCommand(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        if (join != null) {
            if (prefix != null || endpoint != null) {
                throw new InvalidInputException("--join takes everything from the bundle: drop --prefix and --endpoint");
            }
            net.v6broker.openvpn.ServerDirs.requireRenderableHome(context.homeDir);
            Home home = new HomeSetup(context.clock, context.random()).join(context.homeDir, join);
            BrokerConfig config = home.loadConfig();
            context.out.printf("joined the broker on %s as node %s (home %s)%n", config.database().url(), config.endpoint(), home.dir());
            return;
        }
        if (prefix == null || endpoint == null) {
            throw new InvalidInputException("init needs --prefix P and --endpoint HOST[:PORT] (or --join BUNDLE)");
        }
        net.v6broker.openvpn.ServerDirs.requireRenderableHome(context.homeDir);
        KeyType type = KeyType.parse(keyType);
        BrokerConfig config = new BrokerConfig(prefix.trim(), BrokerConfig.Endpoint.parse(endpoint),
                new BrokerConfig.Ca(type.cliName(), null, 0, 0, 0), null, null);
        Home home = new HomeSetup(context.clock, context.random()).create(context.homeDir, config);
        var plan = config.plan();
        context.out.printf("created broker home %s%n", home.dir());
        context.out.printf("  prefix     %s (transfer %s, hermits %s, %d subnet /64s)%n", plan.prefix(),
                plan.transferNetwork(), plan.hermitNetwork(), plan.capacity(net.v6broker.client.ClientKind.SUBNET));
        context.out.printf("  endpoint   %s%n", config.endpoint());
        context.out.printf("  CA         %s, key %s (mode 0600)%n", type.cliName(), home.caKey());
    }
}
