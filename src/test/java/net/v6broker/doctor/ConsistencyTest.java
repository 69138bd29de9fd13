package net.v6broker.doctor;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.management.Session;
import net.v6broker.store.CrlRow;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consistency check on a real SQLite home: clients s1 (subnet, active), h1 (hermit, active),
 * s2 (subnet, revoked) and s3 (subnet, suspended), made through the command line; sessions as the
 * daemon records them; OpenVPN's view and the kernel's routes as values.
 */
class ConsistencyTest {
    static final String NODE = "srv";
    @TempDir
    Path dir;
    Path home;
    Store store;
    BrokerConfig config;
    List<Client> clients;
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    CrlRow crl;

    @BeforeEach
    void home() {
        home = dir.resolve("home");
        String h = home.toString();
        CliRunner.init(home, "198.51.100.1:1194");
        ok("client", "add", "s1", "--type", "subnet", "--home", h);
        ok("client", "add", "h1", "--type", "hermit", "--home", h);
        ok("client", "add", "s2", "--type", "subnet", "--home", h);
        ok("client", "add", "s3", "--type", "subnet", "--home", h);
        ok("client", "revoke", "s2", "--home", h);
        ok("client", "suspend", "s3", "--home", h);
        config = new Home(home).loadConfig();
        store = Store.openSqlite(new Home(home).database());
        Broker broker = new Broker(config, store, () -> {
            throw new AssertionError("the check never needs the CA key");
        }, Clock.systemUTC(), new net.v6broker.RecordedEffects());
        clients = broker.page(net.v6broker.store.ClientQuery.ALL, 0, Integer.MAX_VALUE).items();
        crl = broker.currentCrl();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Client client(String name) {
        return clients.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** The shared server's kernel routes: the transfer /64, the aggregate and the hermit /64 into tun0. */
    static KernelRoutes sharedRoutes(String... extra) {
        List<KernelRoutes.Route> r = new ArrayList<>(List.of(
                new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:abba:f100::/64"), "tun0"),
                new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:abba:f100::/56"), "tun0"),
                new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:abba:f1ff::/64"), "tun0"),
                new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:abba:10::/64"), "eth0")));
        for (String e : extra) {
            String[] f = e.split(" ");
            r.add(new KernelRoutes.Route(Ipv6Prefix.parse(f[0]), f[1]));
        }
        return new KernelRoutes(r);
    }

    Session session(long cid, String name, String v6) {
        return new Session(cid, name, "198.51.100." + (20 + cid) + ":1194", "", v6, 100, 200, now.minusSeconds(60));
    }

    SessionRow row(long cid, String node, String name, String v6) {
        return new SessionRow(0, node, name, cid, "198.51.100." + (20 + cid) + ":1194", v6, now.minusSeconds(60), now, 100, 200, null);
    }

    /** OpenVPN's view of s1 and h1 connected, with their iroute and address in its routing table. */
    ServerView healthyView() {
        return new ServerView(List.of(session(1, "s1", "2001:db8:abba:f100::f101:2"), session(2, "h1", "2001:db8:abba:f1ff::100")),
                List.of(new ServerView.Route("2001:db8:abba:f101::/64", "s1"), new ServerView.Route("2001:db8:abba:f100::f101:2", "s1"),
                        new ServerView.Route("2001:db8:abba:f1ff::100", "h1")));
    }

    List<SessionRow> healthyRows() {
        return List.of(row(1, NODE, "s1", "2001:db8:abba:f100::f101:2"), row(2, NODE, "h1", "2001:db8:abba:f1ff::100"));
    }

    List<Mismatch> check(ServerView view, List<SessionRow> rows, KernelRoutes routes, List<CrlFile> files, Instant at) {
        return Consistency.check(new Consistency.Inputs(config.plan(), Layout.SHARED, NODE, clients, view, rows, routes, crl, files,
                config.ca().crlDays(), at));
    }

    List<Mismatch> check(ServerView view, List<SessionRow> rows, KernelRoutes routes) {
        return check(view, rows, routes, List.of(CrlFile.read(new Home(home).crl())), now);
    }

    @Test
    void aHealthyServerWhoseDaemonRecordedEverySessionIsConsistent() {
        assertThat(check(healthyView(), healthyRows(), sharedRoutes())).isEmpty();
        assertThat(check(null, healthyRows(), sharedRoutes())).as("from the database alone").isEmpty();
    }

    @Test
    void sessionsTheDaemonRecordedInTheDatabaseAreReadBackAndFoundConsistent() {
        store.inTransaction(tx -> {
            for (SessionRow r : healthyRows()) {
                tx.upsertSession(r);
            }
            return null;
        });
        List<SessionRow> rows = store.read(tx -> tx.liveSessions());
        assertThat(check(healthyView(), rows, sharedRoutes())).isEmpty();
    }

    @Test
    void aRevokedCertificateStillConnectedIsReportedWithItsClientId() {
        ServerView view = new ServerView(List.of(session(7, "s2", "2001:db8:abba:f100::f102:2")),
                List.of(new ServerView.Route("2001:db8:abba:f102::/64", "s2")));
        List<Mismatch> m = check(view, List.of(row(7, NODE, "s2", "2001:db8:abba:f100::f102:2")), sharedRoutes());
        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.subject()).isEqualTo("s2");
            assertThat(x.text()).startsWith("its certificate is revoked but it is still connected (from 198.51.100.27:1194")
                    .endsWith("per OpenVPN): OpenVPN checks the CRL only at the next renegotiation");
            assertThat(x.fix()).contains("client-kill 7 HALT");
        });
    }

    @Test
    void aSuspendedClientOrAnUnknownNameStillConnectedIsReported() {
        ServerView view = new ServerView(List.of(session(3, "s3", ""), session(4, "ghost", "")), List.of());
        List<Mismatch> m = check(view, List.of(row(3, NODE, "s3", ""), row(4, NODE, "ghost", "")), sharedRoutes());
        assertThat(m).hasSize(2);
        assertThat(m).anySatisfy(x -> assertThat(x.line()).startsWith("MISMATCH s3: is suspended but still connected"))
                .anySatisfy(x -> assertThat(x.line()).startsWith("MISMATCH ghost: connected (from")
                        .contains("but no live client has that name (deleted?)"));
    }

    @Test
    void aSessionWithNoKernelRouteIsReported() {
        KernelRoutes none = new KernelRoutes(List.of(new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:abba:10::/64"), "eth0")));
        List<Mismatch> m = check(healthyView(), healthyRows(), none);
        assertThat(m).extracting(Mismatch::subject).containsExactly("s1", "h1");
        assertThat(m.get(0).text()).endsWith("but no kernel route leads its 2001:db8:abba:f101::/64 into a tunnel device");
        assertThat(m.get(0).fix()).contains("is openvpn running");
    }

    @Test
    void aSessionOpenvpnRoutesNothingToOrWithAnotherAddressIsReported() {
        ServerView view = new ServerView(List.of(session(1, "s1", "2001:db8:abba:f100::1000")),
                List.of(new ServerView.Route("2001:db8:abba:f100::1000", "s1")));
        List<Mismatch> m = check(view, List.of(row(1, NODE, "s1", "2001:db8:abba:f100::1000")), sharedRoutes());
        assertThat(m).extracting(Mismatch::line).anySatisfy(l -> assertThat(l).startsWith("MISMATCH s1: connected (from")
                        .contains("but OpenVPN routes no 2001:db8:abba:f101::/64 to it; fix: its client file (ccd/s1) lacks the iroute-ipv6"))
                .anySatisfy(l -> assertThat(l).startsWith("MISMATCH s1: connected with tunnel address 2001:db8:abba:f100::1000, "
                        + "not its 2001:db8:abba:f100::f101:2"));
    }

    @Test
    void aClientRouteWithNoSessionAndARouteToNoClientOrARevokedOneAreReported() {
        KernelRoutes routes = sharedRoutes("2001:db8:abba:f101::/64 tun0", "2001:db8:abba:f1a0::/64 tun3",
                "2001:db8:abba:f102::/64 tun2");
        List<Mismatch> m = check(new ServerView(List.of(), List.of()), List.of(), routes);
        assertThat(m).extracting(Mismatch::line).containsExactly(
                "MISMATCH s1: kernel route 2001:db8:abba:f101::/64 dev tun0 leads to it, but it has no session; fix: the shared "
                        + "layout needs no per-client kernel route: remove it (sudo ip -6 route del 2001:db8:abba:f101::/64 dev tun0)",
                "MISMATCH 2001:db8:abba:f1a0::/64: kernel route 2001:db8:abba:f1a0::/64 dev tun3 leads to no client: no live client "
                        + "holds this prefix; fix: remove it (sudo ip -6 route del 2001:db8:abba:f1a0::/64 dev tun3); a per-client "
                        + "instance of a deleted client may still run: stop it",
                "MISMATCH s2: kernel route 2001:db8:abba:f102::/64 dev tun2 still leads to it, but it is revoked; fix: stop its "
                        + "per-client instance (systemctl stop v6broker-openvpn@s2), which removes the route");
    }

    @Test
    void thePerClientLayoutsRoutesOfActiveClientsNeedNoSession() {
        KernelRoutes routes = sharedRoutes("2001:db8:abba:f101::/64 tun1", "2001:db8:abba:f100::f101:0/112 tun1");
        assertThat(Consistency.check(new Consistency.Inputs(config.plan(), Layout.PER_CLIENT, NODE, clients, null, List.of(), routes,
                crl, List.of(), config.ca().crlDays(), now))).isEmpty();
    }

    @Test
    void theDatabaseAndOpenvpnDisagreeingOnSessionsIsReportedBothWays() {
        List<SessionRow> rows = List.of(row(1, NODE, "s1", "2001:db8:abba:f100::f101:2"), row(9, NODE, "h1", "2001:db8:abba:f1ff::100"));
        List<Mismatch> m = check(healthyView(), rows, sharedRoutes());
        assertThat(m).extracting(Mismatch::line).containsExactly(
                "MISMATCH h1: OpenVPN has its session from 198.51.100.22:1194 (client id 2, since " + now.minusSeconds(60)
                        + ") but the database does not record it; fix: the daemon records sessions every second: is "
                        + "'v6broker serve --node srv' running?",
                "MISMATCH h1: the database counts a session from 198.51.100.29:1194 (since " + now.minusSeconds(60)
                        + ") that OpenVPN no longer has; fix: the daemon ends it at its next poll: is 'v6broker serve --node srv' running?");
    }

    @Test
    void anotherNodesSessionOfARevokedClientIsReportedFromTheDatabase() {
        List<SessionRow> rows = new ArrayList<>(healthyRows());
        rows.add(row(5, "srv2", "s2", ""));
        assertThat(check(healthyView(), rows, sharedRoutes())).extracting(Mismatch::line).singleElement().asString()
                .startsWith("MISMATCH s2: is revoked but the database counts it connected on node srv2");
    }

    @Test
    void aCrlWithLessThanAThirdOfItsDaysLeftOrExpiredIsReported() {
        Instant at = crl.nextUpdate().minus(Duration.ofDays(9));
        assertThat(check(healthyView(), healthyRows(), sharedRoutes(), List.of(), at)).extracting(Mismatch::line).containsExactly(
                "MISMATCH CRL: CRL #" + crl.number() + " expires at " + crl.nextUpdate() + ", in 9 days: less than a third of "
                        + "ca.crlDays (30 days) is left; fix: the daemon and every change re-issue the CRL once less than a third "
                        + "of ca.crlDays is left: is 'v6broker serve' running? 'v6broker ca crl --reissue' issues one now");
        assertThat(check(healthyView(), healthyRows(), sharedRoutes(), List.of(), crl.nextUpdate().minus(Duration.ofDays(11))))
                .as("two thirds left").isEmpty();
        assertThat(check(healthyView(), healthyRows(), sharedRoutes(), List.of(), crl.nextUpdate().plusSeconds(1)))
                .extracting(Mismatch::text).singleElement().asString().endsWith("OpenVPN refuses every client while it is out of date");
    }

    @Test
    void aStaleOrMissingCrlFileIsReported() {
        List<CrlFile> files = List.of(new CrlFile(Path.of("/srv/openvpn/crl.pem"), crl.number() - 1, null),
                CrlFile.read(dir.resolve("nowhere/crl.pem")), CrlFile.read(new Home(home).crl()));
        assertThat(check(healthyView(), healthyRows(), sharedRoutes(), files, now)).extracting(Mismatch::text).containsExactly(
                "/srv/openvpn/crl.pem holds CRL #" + (crl.number() - 1) + ", the database #" + crl.number()
                        + ": OpenVPN there still accepts certificates revoked since",
                dir.resolve("nowhere/crl.pem") + " is missing: OpenVPN with crl-verify refuses every client");
        assertThat(CrlFile.read(new Home(home).crl()).number()).isEqualTo(crl.number());
    }
    @Test
    void aRouteForPartOfASlash56AndOneForADeletedSlash56AreBothTold() {
        Path home40 = dir.resolve("h40");
        String h = home40.toString();
        CliRunner.init(home40, "2001:db8:ab00::/40", "198.51.100.1:1194");
        ok("client", "add", "campus", "--type", "subnet", "--size", "56", "--home", h);
        ok("client", "add", "gone", "--type", "subnet", "--size", "56", "--home", h);
        ok("client", "delete", "gone", "--home", h);
        BrokerConfig c40 = new Home(home40).loadConfig();
        try (Store s40 = Store.openSqlite(new Home(home40).database())) {
            Broker b = new Broker(c40, s40, () -> {
                throw new AssertionError("the check never needs the CA key");
            }, Clock.systemUTC(), new net.v6broker.RecordedEffects());
            List<Client> live = b.page(net.v6broker.store.ClientQuery.ALL, 0, 10).items();
            KernelRoutes routes = new KernelRoutes(List.of(
                    new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:ab80::/64"), "tun1"),
                    new KernelRoutes.Route(Ipv6Prefix.parse("2001:db8:ab80:100::/56"), "tun2")));
            List<Mismatch> found = Consistency.check(new Consistency.Inputs(b.plan(), Layout.PER_CLIENT, NODE, live, null,
                    List.of(), routes, b.currentCrl(), List.of(), c40.ca().crlDays(), now));
            assertThat(found).extracting(Mismatch::subject).containsExactly("campus", "2001:db8:ab80:100::/56");
            assertThat(found.get(0).text()).isEqualTo("kernel route 2001:db8:ab80::/64 dev tun1 is only part of its "
                    + "2001:db8:ab80::/56: the rest of the prefix is not routed to it");
            assertThat(found.get(1).text()).contains("leads to no client");
        }
    }
}
