package net.v6broker.home;

import net.v6broker.broker.Broker;
import net.v6broker.broker.Serials;

import net.v6broker.store.EventKind;

import net.v6broker.error.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.sql.SQLException;
import java.util.Optional;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.ca.KeyType;
import net.v6broker.broker.ControlKeys;
import net.v6broker.ca.TlsCryptKey;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.Region;
import net.v6broker.client.ClientKind;
import net.v6broker.effects.EffectApplier;
import net.v6broker.effects.Tunnels;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.BrokerIdentity;
import net.v6broker.store.CertificateRow;
import net.v6broker.store.NoDatabaseException;
import net.v6broker.store.Store;
import net.v6broker.store.Tx;
import net.v6broker.store.UniqueViolation;

/**
 * Creates a broker home: everything is built in a hidden sibling directory and renamed into place
 * at the end, so a failed {@code init} leaves nothing behind and an existing home is never touched.
 */
public final class HomeSetup {
    private final Clock clock;
    private final SecureRandom random;

    public HomeSetup(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * Opens the database of an existing home and checks, before anything is written to it, that it
     * is this broker's: its identity (the broker id and prefix {@code init} recorded) must be the one
     * in config.json. Then brings its schema up to date. A home and database made before identities
     * (neither has one) record one now, once. Refuses, changing nothing, a missing, empty or foreign
     * database, and a config.json whose prefix is not the database's.
     */
    public static Store openDatabase(Home home, BrokerConfig config, Clock clock) {
        String url = home.databaseUrl(config);
        Store store = Store.open(url, config.database().user(), home.databasePassword(config));
        try {
            Optional<BrokerIdentity> identity = store.schemaVersion() >= Store.IDENTITY_VERSION
                    ? store.read(Tx::identity) : Optional.empty();
            if (config.brokerId() != null && identity.isEmpty()) {
                throw new NoDatabaseException("the database " + url + " records no broker identity, so it is not the "
                        + "database of this home (broker " + config.brokerId() + "): check database.url; nothing was changed");
            }
            if (config.brokerId() != null && !config.brokerId().equals(identity.get().brokerId())) {
                throw new NoDatabaseException("the database " + url + " belongs to another broker (id "
                        + identity.get().brokerId() + ", prefix " + identity.get().prefix() + "), not to the one of "
                        + home.config() + " (id " + config.brokerId() + "): check database.url; nothing was changed");
            }
            if (config.brokerId() == null && identity.isPresent()) {
                throw new NoDatabaseException(home.config() + " has no brokerId, but the database " + url + " belongs to broker "
                        + identity.get().brokerId() + " (prefix " + identity.get().prefix() + "): if it is this broker's "
                        + "database, add \"brokerId\": \"" + identity.get().brokerId() + "\" to config.json; nothing was changed");
            }
            identity.ifPresent(id -> requireSamePrefix(home, config, id));
            store.migrate();
            if (identity.isEmpty()) {
                adopt(home, config, store, clock);
            }
            if (!store.read(Tx::poolsRecorded)) {
                adoptPlan(config, store, clock);
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The broker of a home, as every process but the daemon uses it: its changes apply their effects
     * here, the files and the CRL, and leave the sessions to the daemons ({@link Tunnels#ELSEWHERE}).
     */
    public static Broker broker(Home home, BrokerConfig config, java.util.function.Supplier<Store> store,
                                java.util.function.Supplier<CertificateAuthority> ca, Clock clock) {
        return new Broker(config, store, ca, clock, new EffectApplier(home, new ServerDirs(home, config), Tunnels.ELSEWHERE));
    }

    /** Records the identity of a home and database made before identities: in the database, then config.json. */
    private static void adopt(Home home, BrokerConfig config, Store store, Clock clock) {
        String id = BrokerConfig.newBrokerId(new SecureRandom());
        try {
            store.inTransaction(tx -> {
                tx.recordIdentity(new BrokerIdentity(id, config.prefix(), clock.instant()));
                return null;
            });
        } catch (UniqueViolation e) {
            // another command of this home recorded one at the same moment: this home takes that one
        }
        BrokerIdentity recorded = store.read(Tx::identity).orElseThrow();
        requireSamePrefix(home, config, recorded);
        home.writeConfig(config.withBrokerId(recorded.brokerId()));
    }

    /** Records the pools of a plan: the hermit pool and each region, with all their free indices. */
    private static void recordPlan(Tx tx, AddressPlan plan, Instant now) throws SQLException {
        tx.recordPool(AddressPlan.pool(ClientKind.HERMIT, 128), 128, AddressPlan.FIRST_HERMIT, AddressPlan.LAST_HERMIT, now);
        for (Region r : plan.regions()) {
            tx.recordPool(r.pool(), r.size(), r.first(), r.last(), now);
        }
    }

    /**
     * Records the pools of a database made before prefix sizes: the plan it always had (every /64
     * between the transfer and the hermit /64), its free indices the ones no client or link holds.
     */
    private static void adoptPlan(BrokerConfig config, Store store, Clock clock) {
        try {
            store.inTransaction(tx -> {
                if (!tx.poolsRecorded()) {
                    recordPlan(tx, new AddressPlan(Ipv6Prefix.parse(config.prefix())), clock.instant());
                }
                return null;
            });
        } catch (UniqueViolation e) {
            // another command of this home recorded them at the same moment
        }
    }

    private static void requireSamePrefix(Home home, BrokerConfig config, BrokerIdentity identity) {
        Ipv6Prefix stored = Ipv6Prefix.parse(identity.prefix());
        if (!stored.equals(Ipv6Prefix.parse(config.prefix()))) {
            throw new HomeException("bad configuration in " + home.config() + ": prefix " + config.prefix()
                    + " is not this broker's prefix " + stored + ", which every client's address was numbered from at init "
                    + "(the database keeps it): restore \"prefix\": \"" + stored + "\"; a broker cannot be renumbered by "
                    + "editing config.json");
        }
    }

    /** Creates the home with the default address plan of its prefix ({@link AddressPlan#defaultSizes}). */
    public Home create(Path dir, BrokerConfig config) {
        Ipv6Prefix p = AddressPlan.parsePrefix(config.prefix());
        return create(dir, config, AddressPlan.layout(p, AddressPlan.defaultSizes(p.length())));
    }

    /** Creates the home with this address plan; refuses if it exists and is not an empty directory. */
    public Home create(Path dir, BrokerConfig config, AddressPlan plan) {
        if (!plan.prefix().equals(Ipv6Prefix.parse(config.prefix()))) {
            throw new IllegalArgumentException("a plan of " + plan.prefix() + " for a broker of " + config.prefix());
        }
        Home home = new Home(dir);
        refuseExisting(home.dir());
        Path staging = stagingFor(home, "init");
        try {
            Home tmp = new Home(staging);
            populate(tmp, config, plan);
            Files.move(staging, home.dir(), StandardCopyOption.ATOMIC_MOVE);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("creating broker home " + home.dir(), e);
        } finally {
            Home.deleteTree(staging);
        }
    }

    /**
     * A new directory beside the home, readable by its owner only, where the home is made before it
     * is moved into place in one rename.
     */
    private Path stagingFor(Home home, String what) {
        Path staging = home.dir().resolveSibling("." + home.dir().getFileName() + "." + what + "-" + Long.toHexString(random.nextLong()));
        try {
            Files.createDirectories(staging);
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            return staging;
        } catch (IOException e) {
            Home.deleteTree(staging);
            throw new UncheckedIOException("creating " + staging, e);
        }
    }

    /** The files a join bundle may hold, and their modes. */
    private static final java.util.Map<String, java.util.Set<java.nio.file.attribute.PosixFilePermission>> BUNDLE =
            java.util.Map.of("config.json", Home.PUBLIC, "ca/ca.crt", Home.PUBLIC, "ca/ca.key", Home.PRIVATE,
                    "ca/crl.pem", Home.PUBLIC, "server/server.crt", Home.PUBLIC, "server/server.key", Home.PRIVATE,
                    "server/tls-crypt.key", Home.PRIVATE, "db-password", Home.PRIVATE);

    /**
     * Creates the home of a further node from the bundle {@code v6broker node add} wrote: the shared
     * database, CA certificate (and key, unless kept back), tls-crypt key and this node's own server
     * certificate. The database must answer before the home appears.
     */
    public Home join(Path dir, Path bundle) {
        Home home = new Home(dir);
        refuseExisting(home.dir());
        Path staging = stagingFor(home, "join");
        try {
            java.util.Set<String> seen = new java.util.HashSet<>();
            try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                    new java.util.zip.GZIPInputStream(Files.newInputStream(bundle)))) {
                org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    var mode = BUNDLE.get(e.getName());
                    if (mode == null || !e.isFile() || !seen.add(e.getName()) || e.getSize() > 1_000_000) {
                        throw new InvalidInputException(bundle + " is not a node bundle: unexpected entry '"
                                + net.v6broker.config.Validation.quote(e.getName()) + "'");
                    }
                    Home.writeBytesAtomically(staging.resolve(e.getName()), tar.readAllBytes(), mode);
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new InvalidInputException(bundle + " is not a node bundle (" + e.getMessage() + ")");
            }
            for (String required : java.util.List.of("config.json", "ca/ca.crt", "server/server.crt", "server/server.key",
                    "server/tls-crypt.key")) {
                if (!seen.contains(required)) {
                    throw new InvalidInputException(bundle + " is not a node bundle: it lacks " + required);
                }
            }
            Home tmp = new Home(staging);
            BrokerConfig config = tmp.loadConfig();
            try (Store store = openDatabase(tmp, config, clock)) {
                store.inTransaction(tx -> {
                    net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), clock.instant(), EventKind.NODE_JOIN, config.endpoint().toString());
                    return null;
                });
            }
            Files.move(staging, home.dir(), StandardCopyOption.ATOMIC_MOVE);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("joining with " + bundle, e);
        } finally {
            Home.deleteTree(staging);
        }
    }

    private void populate(Home home, BrokerConfig requested, AddressPlan plan) {
        BrokerConfig config = requested.brokerId() != null ? requested : requested.withBrokerId(BrokerConfig.newBrokerId(random));
        KeyType keyType = KeyType.parse(config.ca().keyType());
        CertificateAuthority ca = CertificateAuthority.create(keyType, config.ca().commonName(),
                Duration.ofDays(config.ca().caDays()), clock, random);
        IssuedCertificate server = ca.issueServer("server", Duration.ofDays(config.ca().certificateDays()));
        home.writeConfig(config);
        Home.writeAtomically(home.caKey(), ca.privateKeyPem(), Home.PRIVATE);
        Home.writeAtomically(home.caCertificate(), ca.certificatePem(), Home.PUBLIC);
        HomeCa.recordNew(home, ca);
        Home.writeAtomically(home.serverKey(), server.privateKeyPem(), Home.PRIVATE);
        Home.writeAtomically(home.serverCertificate(), server.certificatePem(), Home.PUBLIC);
        Home.writeAtomically(home.tlsCryptKey(), TlsCryptKey.generate(random), Home.PRIVATE);
        String url = config.database().url().isEmpty() ? "jdbc:sqlite:" + home.database() : config.database().url();
        try (Store store = Store.create(url, config.database().user(), home.databasePassword(config))) {
            store.inTransaction(tx -> {
                tx.recordIdentity(new BrokerIdentity(config.brokerId(), config.prefix(), clock.instant()));
                tx.insertCertificate(new CertificateRow(Serials.hex(server.serial()), null, "server", "server",
                        server.notBefore(), server.notAfter(),
                        server.certificatePem(), null, clock.instant(), null));
                recordPlan(tx, plan, clock.instant());
                net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), clock.instant(), EventKind.INIT, "prefix " + config.prefix());
                return null;
            });
            ControlKeys.serverKey(store, random); // the tls-crypt-v2 server key, from the start
            // the first CRL, published into the new home by the one applier
            broker(home, config, () -> store, () -> ca, clock).reissueCrl();
        }
        try {
            if (Files.exists(home.database())) {
                Files.setPosixFilePermissions(home.database(), Home.PRIVATE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("protecting " + home.database(), e);
        }
    }

    private static void refuseExisting(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new HomeException("cannot init: " + dir + " exists and is not a directory; nothing was changed");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                throw new HomeException("cannot init: " + dir + " exists already" + (Files.exists(dir.resolve("config.json"))
                        ? " and holds a broker home" : " and is not empty") + "; nothing was changed");
            }
            Files.delete(dir); // empty: replaced atomically by the finished home
        } catch (IOException e) {
            throw new UncheckedIOException("inspecting " + dir, e);
        }
    }
}
