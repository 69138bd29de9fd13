package net.v6broker.cli;

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
import net.v6broker.config.ConfigJson;
import net.v6broker.config.Home;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.EventKind;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** {@code node add}: the tunnel servers (nodes) of a broker on PostgreSQL. */
final class NodeCommands {
    private NodeCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("node", "The tunnel servers (nodes) of a broker on PostgreSQL.").sub(add(c));
    }

    /**
     * Issues a server certificate for a new node and writes everything it needs into one bundle
     * (mode 0600: it holds keys) for {@code v6broker init --join BUNDLE} on that machine.
     */
    private static Spec add(Context c) {
        return Spec.command("add", a -> {
            Path out = a.path("--out");
            boolean withoutCaKey = a.flag("--without-ca-key");
            BrokerConfig config = c.config();
            if (!config.database().postgres()) {
                throw new InvalidInputException("a second node needs the shared PostgreSQL database: run "
                        + "'v6broker db migrate-to postgres' on this broker first");
            }
            BrokerConfig.Endpoint ep = BrokerConfig.Endpoint.parse(a.value("--endpoint"));
            Home home = c.home();
            if (java.nio.file.Files.exists(home.previousCaKey())) {
                throw new InvalidInputException("a CA rollover is under way: a node added now would not get the previous CA "
                        + "that signs its CRL; finish the rollover ('v6broker ca rollover finish') first");
            }
            IssuedCertificate server = c.ca().issueServer("server", Duration.ofDays(config.ca().certificateDays()));
            BrokerConfig joined = config.withEndpoint(ep)
                    .withDatabase(new BrokerConfig.Database(config.database().url(), config.database().user(), "db-password"));
            Map<String, String> files = new LinkedHashMap<>();
            files.put("config.json", ConfigJson.write(joined));
            files.put("ca/ca.crt", home.read(home.caCertificate()));
            if (!withoutCaKey) {
                files.put("ca/ca.key", home.read(home.caKey()));
            }
            files.put("ca/crl.pem", c.broker().currentCrl().pem());
            files.put("server/server.crt", server.certificatePem());
            files.put("server/server.key", server.privateKeyPem());
            files.put("server/tls-crypt.key", home.read(home.tlsCryptKey()));
            files.put("db-password", home.databasePassword(config) + "\n");
            Home.writeBytesAtomically(out, tarGz(files), Home.PRIVATE);
            c.store().inTransaction(tx -> {
                tx.addNode(config.endpoint().host(), config.endpoint().port(), c.clock.instant());
                tx.addNode(ep.host(), ep.port(), c.clock.instant());
                net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), c.clock.instant(), EventKind.NODE_ADD, ep.toString());
                return null;
            });
            c.out.printf("node %s prepared: bundle %s (mode 0600, holds keys%s); on that machine run%n"
                    + "  v6broker init --join %s --home DIR%n", ep, out,
                    withoutCaKey ? ", not the CA key" : " and the CA key", out.getFileName());
            return Cli.OK;
        }, "Prepare a new tunnel server: its certificate and a bundle for 'init --join'.")
                .required("--endpoint", "HOST[:PORT]", "Where clients reach the new node.")
                .required("--out", "BUNDLE.tar.gz")
                .flag("--without-ca-key", "Keep the CA key on this node only: the new node verifies but cannot issue.");
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
