package net.v6broker.cli;

import net.v6broker.store.EventKind;

import net.v6broker.error.InvalidInputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "node", description = "The tunnel servers (nodes) of a broker on PostgreSQL.")
final class NodeCommands implements Runnable {
    private final Context context;

    NodeCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: add");
    }

    /**
     * Issues a server certificate for a new node and writes everything it needs into one bundle
     * (mode 0600: it holds keys) for {@code v6broker init --join BUNDLE} on that machine.
     */
    @Command(name = "add", description = "Prepare a new tunnel server: its certificate and a bundle for 'init --join'.")
    static final class Add implements Runnable {
        private final Context context;
        @Option(names = "--endpoint", required = true, paramLabel = "HOST[:PORT]", description = "Where clients reach the new node.")
        String endpoint;
        @Option(names = "--out", required = true, paramLabel = "BUNDLE.tar.gz")
        Path out;
        @Option(names = "--without-ca-key", description = "Keep the CA key on this node only: the new node verifies but cannot issue.")
        boolean withoutCaKey;

        Add(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            BrokerConfig config = context.config();
            if (!config.database().postgres()) {
                throw new InvalidInputException("a second node needs the shared PostgreSQL database: run "
                        + "'v6broker db migrate-to postgres' on this broker first");
            }
            BrokerConfig.Endpoint ep = BrokerConfig.Endpoint.parse(endpoint);
            Home home = context.home();
            IssuedCertificate server = context.ca().issueServer("server", Duration.ofDays(config.ca().certificateDays()));
            BrokerConfig joined = config.withEndpoint(ep)
                    .withDatabase(new BrokerConfig.Database(config.database().url(), config.database().user(), "db-password"));
            Map<String, String> files = new LinkedHashMap<>();
            files.put("config.json", net.v6broker.config.ConfigJson.write(joined));
            files.put("ca/ca.crt", home.read(home.caCertificate()));
            if (!withoutCaKey) {
                files.put("ca/ca.key", home.read(home.caKey()));
            }
            files.put("ca/crl.pem", context.broker().currentCrl().pem());
            files.put("server/server.crt", server.certificatePem());
            files.put("server/server.key", server.privateKeyPem());
            files.put("server/tls-crypt.key", home.read(home.tlsCryptKey()));
            files.put("db-password", home.databasePassword(config) + "\n");
            Home.writeBytesAtomically(out, tarGz(files), Home.PRIVATE);
            context.store().inTransaction(tx -> {
                tx.addNode(config.endpoint().host(), config.endpoint().port(), context.clock.instant());
                tx.addNode(ep.host(), ep.port(), context.clock.instant());
                tx.appendEvent(context.clock.instant(), EventKind.NODE_ADD, null, null, ep.toString());
                return null;
            });
            context.out.printf("node %s prepared: bundle %s (mode 0600, holds keys%s); on that machine run%n"
                    + "  v6broker init --join %s --home DIR%n", ep, out, withoutCaKey ? ", not the CA key" : " and the CA key",
                    out.getFileName());
        }

        private static byte[] tarGz(Map<String, String> files) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
                for (Map.Entry<String, String> f : files.entrySet()) {
                    byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                    TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                    e.setSize(data.length);
                    e.setMode(f.getKey().endsWith(".key") || f.getKey().equals("db-password") ? 0600 : 0644);
                    tar.putArchiveEntry(e);
                    tar.write(data);
                    tar.closeArchiveEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing the node bundle", e);
            }
            return bytes.toByteArray();
        }
    }
}
