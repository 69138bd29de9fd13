package net.v6broker.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.v6broker.ca.Pem;
import net.v6broker.client.ClientKind;
import net.v6broker.ipam.PoolExhaustedException;
import net.v6broker.store.CertificateRow;
import net.v6broker.store.ClientQuery;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the broker guarantees, on whichever database: run by {@link BrokerSqliteTest} and
 * {@link BrokerPostgresTest}.
 */
abstract class BrokerTest {
    @TempDir
    Path dir;
    TestBroker t;

    /** A fresh broker on an empty database. */
    abstract TestBroker open(Path dir, String prefix, int quarantineDays);

    @BeforeEach
    void setUp() {
        t = open(dir, "2001:db8:abba:f100::/56", 30);
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    private Client add(String name, ClientKind type) {
        return t.broker.add(new NewClient(name, type, ClientOs.LINUX, null)).value();
    }

    @Test
    void addsASubnetClientWithTheFirstFreeSlash64AndACertificateForItsName() {
        Client c = add("site-a", ClientKind.SUBNET);
        assertThat(c.assignment().prefix()).hasToString("2001:db8:abba:f101::/64");
        assertThat(c.assignment().transferServer()).hasToString("2001:db8:abba:f100::f101:1/112");
        assertThat(Pem.readCertificate(c.certificatePem()).getSubjectX500Principal().getName()).isEqualTo("CN=site-a");
        assertThat(t.broker.show("SITE-A")).isEqualTo(c);
    }

    @Test
    void refusesADuplicateNameCaseInsensitivelyAndAllocatesNothing() {
        add("alice", ClientKind.HERMIT);
        assertThatThrownBy(() -> add("Alice", ClientKind.SUBNET)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("exists already");
        assertThat(all(t.broker)).hasSize(1);
        assertThat(add("bob", ClientKind.SUBNET).assignment().prefix()).hasToString("2001:db8:abba:f101::/64");
    }

    @Test
    void revokeRevokesTheCertificateInANewCrlAndKeepsThePrefixOutOfUse() throws Exception {
        Client a = add("a", ClientKind.SUBNET);
        long crlBefore = t.broker.currentCrl().number();
        Outcome<Client> o = t.broker.revoke("a");
        assertThat(o.value().status()).isEqualTo(ClientStatus.REVOKED);
        assertThat(o.effects()).contains(new Effect.EndSession("a"))
                .anyMatch(e -> e instanceof Effect.PublishCrl p && p.crl().number() == crlBefore + 1);
        var crl = Pem.readCrl(t.broker.currentCrl().pem());
        assertThat(crl.getRevokedCertificate(Serials.parse(a.serial()))).isNotNull();
        t.clock.advance(Duration.ofDays(400));
        assertThat(add("b", ClientKind.SUBNET).assignment().prefix()).hasToString("2001:db8:abba:f102::/64");
        assertThatThrownBy(() -> t.broker.revoke("a")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> t.broker.suspend("a")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> t.broker.renew("a")).isInstanceOf(ConflictException.class);
    }

    @Test
    void suspendAndResumeChangeOnlyTheStatusNotTheCertificate() {
        Client a = add("a", ClientKind.HERMIT);
        Outcome<Client> s = t.broker.suspend("a");
        assertThat(s.value().status()).isEqualTo(ClientStatus.SUSPENDED);
        assertThat(s.value().serial()).isEqualTo(a.serial());
        assertThat(s.effects()).contains(new Effect.EndSession("a")).noneMatch(e -> e instanceof Effect.PublishCrl);
        assertThatThrownBy(() -> t.broker.suspend("a")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("it is suspended, not active");
        assertThat(t.broker.resume("a").value().status()).isEqualTo(ClientStatus.ACTIVE);
        assertThatThrownBy(() -> t.broker.resume("a")).isInstanceOf(ConflictException.class);
    }

    @Test
    void renewIssuesANewCertificateForTheSamePrefixAndRevokesTheOld() throws Exception {
        Client a = add("a", ClientKind.SUBNET);
        Client r = t.broker.renew("a").value();
        assertThat(r.serial()).isNotEqualTo(a.serial());
        assertThat(r.assignment()).isEqualTo(a.assignment());
        var crl = Pem.readCrl(t.broker.currentCrl().pem());
        assertThat(crl.getRevokedCertificate(Serials.parse(a.serial()))).isNotNull();
        assertThat(crl.getRevokedCertificate(Serials.parse(r.serial()))).isNull();
    }

    @Test
    void deleteQuarantinesThePrefixForTheConfiguredPeriodThenReusesIt() {
        Client a = add("a", ClientKind.SUBNET);
        t.broker.delete("a");
        assertThat(all(t.broker)).isEmpty();
        assertThatThrownBy(() -> t.broker.show("a")).isInstanceOf(ClientNotFoundException.class);
        assertThat(add("b", ClientKind.SUBNET).assignment().index()).isEqualTo(2);
        t.clock.advance(Duration.ofDays(30).minusSeconds(1));
        assertThat(add("c", ClientKind.SUBNET).assignment().index()).isEqualTo(3);
        t.clock.advance(Duration.ofSeconds(1));
        Client again = add("a", ClientKind.SUBNET);
        assertThat(again.assignment()).isEqualTo(a.assignment());
        assertThat(again.serial()).isNotEqualTo(a.serial());
    }

    @Test
    void concurrentAddsFromEightThreadsNeverCollide() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Client>> tasks = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            String name = "c" + i;
            ClientKind type = i % 2 == 0 ? ClientKind.HERMIT : ClientKind.SUBNET;
            tasks.add(() -> add(name, type));
        }
        Set<String> prefixes = new HashSet<>();
        Set<String> serials = new HashSet<>();
        for (Future<Client> f : pool.invokeAll(tasks)) {
            Client c = f.get();
            assertThat(prefixes.add(c.assignment().prefix().toString())).as("duplicate " + c.assignment().prefix()).isTrue();
            assertThat(serials.add(c.serial())).isTrue();
        }
        pool.shutdown();
        assertThat(all(t.broker)).hasSize(160);
        assertThat(prefixes).contains("2001:db8:abba:f150::/64").doesNotContain("2001:db8:abba:f151::/64");
    }

    @Test
    void exhaustingASmallPoolIsANamedErrorAndLeavesNoClientBehind() {
        t.close();
        t = open(dir.resolve("small"), "2001:db8:abba:f0::/60", 30);
        for (int i = 0; i < 14; i++) {
            add("s" + i, ClientKind.SUBNET);
        }
        assertThatThrownBy(() -> add("s14", ClientKind.SUBNET)).isInstanceOf(PoolExhaustedException.class)
                .hasMessage("subnet pool 2001:db8:abba:f0::/60 exhausted: the /64 region (2001:db8:abba:f1::/64 .. 2001:db8:abba:fe::/64) has 14 of 14 /64s in use");
        assertThat(all(t.broker)).hasSize(14);
        assertThat(add("h", ClientKind.HERMIT).assignment().prefix()).hasToString("2001:db8:abba:ff::100/128");
    }

    private Client addSubnet(String name, int size) {
        return t.broker.add(new NewClient(name, ClientKind.SUBNET, ClientOs.LINUX, null).withSize(size)).value();
    }

    @Test
    void subnetsOfEachSizeComeLowestFirstFromTheirRegionWithTheirOwnTransferAndQuarantine() {
        t.close();
        t = open(dir.resolve("forty"), "2001:db8:ab00::/40", 30);
        // the default plan of a /40: /64s in the lower half, /56s in the third quarter, /48s in the fourth
        assertThat(t.broker.plan().regions()).extracting(net.v6broker.ipam.Region::size).containsExactly(64, 56, 48);
        Client a = addSubnet("a", 56);
        Client b = addSubnet("b", 56);
        Client big = addSubnet("big", 48);
        Client small = add("small", ClientKind.SUBNET);
        assertThat(a.assignment().prefix()).hasToString("2001:db8:ab80::/56");
        assertThat(b.assignment().prefix()).hasToString("2001:db8:ab80:100::/56");
        assertThat(big.assignment().prefix()).hasToString("2001:db8:abc0::/48");
        assertThat(small.assignment().prefix()).hasToString("2001:db8:ab00:1::/64");
        // each /112 carries its block's first /64: no two share one, whatever their sizes
        assertThat(a.assignment().transferServer()).hasToString("2001:db8:ab00::ab80:0:1/112");
        assertThat(b.assignment().transferServer()).hasToString("2001:db8:ab00::ab80:100:1/112");
        assertThat(big.assignment().transferServer()).hasToString("2001:db8:ab00::abc0:0:1/112");
        assertThat(t.broker.show("big").assignment().prefix().length()).isEqualTo(48);
        assertThatThrownBy(() -> addSubnet("sixty", 60)).hasMessageContaining("offers subnets of /64, /56, /48, not /60");

        t.broker.delete("a");
        assertThat(addSubnet("c", 56).assignment().prefix()).as("a's /56 stays in quarantine")
                .hasToString("2001:db8:ab80:200::/56");
        t.clock.advance(Duration.ofDays(31));
        assertThat(addSubnet("d", 56).assignment().prefix()).as("then it is the lowest free one again")
                .hasToString("2001:db8:ab80::/56");
        assertThat(addSubnet("e", 56).assignment().prefix()).hasToString("2001:db8:ab80:300::/56");
    }

    @Test
    void thePlanPictureCountsARegionsBlocksPerSquareAndNamesTheirHolders() {
        t.close();
        t = open(dir.resolve("picture"), "2001:db8:ab00::/40", 30);
        for (String n : new String[] {"a", "b", "c", "d", "e"}) {
            addSubnet(n, 56);
        }
        t.broker.delete("b");
        java.time.Instant now = t.clock.instant();
        // 16,384 /56s in squares of four: a, (b), c, d in the first, e in the second
        net.v6broker.api.RegionUsage whole = net.v6broker.api.RegionUsage.of(t.broker.plan(), 56, null, null, t.store, now);
        assertThat(whole.span()).isEqualTo(4);
        assertThat(whole.squares().get(0)).extracting("used", "quarantined").containsExactly(3L, 1L);
        assertThat(whole.squares().get(1)).extracting("used", "quarantined").containsExactly(1L, 0L);
        assertThat(whole.squares().get(2).free()).isTrue();
        long first = t.broker.plan().region(56).orElseThrow().first();
        net.v6broker.api.RegionUsage opened = net.v6broker.api.RegionUsage.of(t.broker.plan(), 56, first, first + 7, t.store, now);
        assertThat(opened.span()).isEqualTo(1);
        assertThat(opened.holders()).containsOnly(java.util.Map.entry(first, "a"), java.util.Map.entry(first + 2, "c"),
                java.util.Map.entry(first + 3, "d"), java.util.Map.entry(first + 4, "e"));
        assertThat(opened.squares().get(1)).extracting("used", "quarantined").containsExactly(0L, 1L);
        t.clock.advance(Duration.ofDays(31));
        assertThat(net.v6broker.api.RegionUsage.of(t.broker.plan(), 56, first, first + 7, t.store, t.clock.instant())
                .squares().get(1).free()).as("b's quarantine is over").isTrue();
    }

    @Test
    void exhaustingARegionNamesItAndItsUsage() {
        t.close();
        t = open(dir.resolve("small"), "2001:db8:abba::/48", 30);
        // a /48's /56 region: the upper half but its last /56 (which holds the hermit /64)
        for (int i = 0; i < 127; i++) {
            addSubnet("s" + i, 56);
        }
        assertThatThrownBy(() -> addSubnet("s127", 56)).isInstanceOf(PoolExhaustedException.class)
                .hasMessage("subnet pool 2001:db8:abba::/48 exhausted: the /56 region (2001:db8:abba:8000::/56 .. "
                        + "2001:db8:abba:fe00::/56) has 127 of 127 /56s in use");
        assertThat(add("h", ClientKind.HERMIT).assignment().prefix()).hasToString("2001:db8:abba:ffff::100/128");
        assertThat(add("n", ClientKind.SUBNET).assignment().prefix()).hasToString("2001:db8:abba:1::/64");
    }

    @Test
    void aBatchStopsAtADuplicateAndKeepsTheRowsBeforeIt() {
        add("taken", ClientKind.HERMIT);
        List<NewClient> reqs = List.of(new NewClient("n1", ClientKind.SUBNET, null, null),
                new NewClient("TAKEN", ClientKind.SUBNET, null, null), new NewClient("n3", ClientKind.SUBNET, null, null));
        var certs = reqs.stream().map(r -> t.broker.issue(r.name())).toList();
        Broker.BatchResult r = t.broker.addBatch(reqs, certs);
        assertThat(r.added()).extracting(Client::name).containsExactly("n1");
        assertThat(r.failure()).get().extracting(Broker.BatchFailure::index).isEqualTo(1);
        assertThat(all(t.broker)).extracting(Client::name).containsExactly("n1", "taken");
    }

    @Test
    void aBatchStopsAtANameItHasAlreadyAddedInAnotherCase() {
        add("deleted", ClientKind.HERMIT);
        t.broker.delete("deleted");
        List<NewClient> reqs = List.of(new NewClient("deleted", ClientKind.HERMIT, null, null),
                new NewClient("site-a", ClientKind.SUBNET, null, null), new NewClient("Site-A", ClientKind.HERMIT, null, null));
        var certs = reqs.stream().map(r -> t.broker.issue(r.name())).toList();

        Broker.BatchResult r = t.broker.addBatch(reqs, certs);

        assertThat(r.added()).extracting(Client::name).containsExactly("deleted", "site-a");
        assertThat(r.failure()).get().extracting(Broker.BatchFailure::index).isEqualTo(2);
        assertThat(r.failure().get().message()).contains("'Site-A' exists already");
    }

    @Test
    void aBatchReusesPrefixesOnlyOnceTheirQuarantineIsOver() {
        add("a", ClientKind.SUBNET);
        add("b", ClientKind.SUBNET);
        t.broker.delete("a");
        t.broker.delete("b");
        List<NewClient> early = List.of(new NewClient("early", ClientKind.SUBNET, null, null));
        assertThat(t.broker.addBatch(early, List.of(t.broker.issue("early"))).added())
                .extracting(c -> c.assignment().index()).containsExactly(3L);
        t.clock.advance(Duration.ofDays(30));
        List<NewClient> later = List.of(new NewClient("x", ClientKind.SUBNET, null, null),
                new NewClient("y", ClientKind.SUBNET, null, null), new NewClient("z", ClientKind.SUBNET, null, null));

        Broker.BatchResult r = t.broker.addBatch(later, later.stream().map(c -> t.broker.issue(c.name())).toList());

        assertThat(r.added()).extracting(c -> c.assignment().index()).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aBatchStoresEachClientsClaimCertificateAndEvent() throws Exception {
        List<NewClient> reqs = List.of(new NewClient("b1", ClientKind.HERMIT, null, null),
                new NewClient("b2", ClientKind.SUBNET, null, null), new NewClient("b3", ClientKind.SUBNET, null, null));
        List<Credentials> certs = reqs.stream().map(r -> t.broker.issue(r.name())).toList();

        Broker.BatchResult r = t.broker.addBatch(reqs, certs);

        assertThat(r.failure()).isEmpty();
        t.store.read(tx -> {
            assertThat(tx.countTaken("subnet", 0, Long.MAX_VALUE, t.clock.instant())).isEqualTo(2);
            assertThat(tx.countTaken("subnet", 1, 2, t.clock.instant())).isEqualTo(2);
            assertThat(tx.countTaken("hermit", 0, Long.MAX_VALUE, t.clock.instant())).isEqualTo(1);
            for (int i = 0; i < reqs.size(); i++) {
                CertificateRow row = tx.certificate(certs.get(i).serial()).orElseThrow();
                assertThat(row.commonName()).isEqualTo(reqs.get(i).name());
                assertThat(row.certificatePem()).isEqualTo(certs.get(i).certificatePem());
            }
            assertThat(tx.eventsAfter(0, 100)).filteredOn(e -> e.kind() == net.v6broker.store.EventKind.ADD)
                    .extracting(e -> e.clientName()).containsExactly("b1", "b2", "b3");
            return null;
        });
        assertThat(t.broker.revoke("b2").value().status()).isEqualTo(ClientStatus.REVOKED);
    }

    @Test
    void everyChangeAppliesTheEffectsItsEventsImplyOnceItCommitted() {
        add("e1", ClientKind.SUBNET);
        Client revoked = t.broker.revoke("e1").value();
        List<Effect> applied = t.effects.applied();
        assertThat(applied).contains(new Effect.ClientChanged("e1", java.util.Optional.of(revoked)), new Effect.EndSession("e1"))
                .anyMatch(e -> e instanceof Effect.PublishCrl p && p.crl().number() == t.broker.currentCrl().number());
        // the daemon derives the same effects from the stream: the same kinds, in the same order
        List<String> kinds = t.store.read(tx -> tx.eventsAfter(0, 100)).stream().map(e -> e.kind().dbName()).toList();
        assertThat(kinds).containsSubsequence("add", "revoke", "crl");
    }

    @Test
    void aReplayedSuspendOfAClientThatIsActiveAgainEndsNoSession() {
        Client active = add("r1", ClientKind.HERMIT);
        assertThat(Effects.of(net.v6broker.store.EventKind.SUSPEND, "r1", java.util.Optional.of(active), () -> null))
                .containsExactly(new Effect.ClientChanged("r1", java.util.Optional.of(active)));
        assertThat(Effects.of(net.v6broker.store.EventKind.DELETE, "r1", java.util.Optional.empty(), () -> null))
                .containsExactly(new Effect.ClientChanged("r1", java.util.Optional.empty()), new Effect.EndSession("r1"));
    }

    /** Every live client, as one page. */
    private static List<Client> all(Broker broker) {
        return broker.page(ClientQuery.ALL, 0, Integer.MAX_VALUE).items();
    }

    private static List<String> names(Iterable<Client> clients) {
        List<String> out = new ArrayList<>();
        clients.forEach(c -> out.add(c.name()));
        return out;
    }

    private List<String> page(ClientQuery q, long offset, int limit) {
        return names(t.broker.page(q, offset, limit).items());
    }

    private static ClientQuery names(String start) {
        return new ClientQuery(null, null, start, null, null, null);
    }

    @Test
    void afterQuarantinesEndEachAddTakesTheLowestHoleThenTheIndexAfterTheHighest() {
        for (int i = 1; i <= 9; i++) {
            add("s" + i, ClientKind.SUBNET);
        }
        for (int i : new int[] {2, 5, 6, 9}) {
            t.broker.delete("s" + i);
        }
        assertThat(add("early", ClientKind.SUBNET).assignment().index()).as("still in quarantine: after the highest").isEqualTo(10);
        t.clock.advance(Duration.ofDays(31));
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            got.add(add("n" + i, ClientKind.SUBNET).assignment().index());
        }
        // 9 was the highest once, but its quarantine ended too: a hole below 10
        assertThat(got).containsExactly(2L, 5L, 6L, 9L, 11L);
        List<NewClient> batch = List.of(new NewClient("b0", ClientKind.SUBNET, ClientOs.LINUX, null),
                new NewClient("b1", ClientKind.SUBNET, ClientOs.LINUX, null));
        t.broker.delete("s3");
        t.clock.advance(Duration.ofDays(31));
        assertThat(t.broker.addBatch(batch, batch.stream().map(r -> t.broker.issue(r.name())).toList()).added())
                .extracting(c -> c.assignment().index()).containsExactly(3L, 12L);
    }

    @Test
    void pagesAndSearchesComeInNameOrderAndStopAtTheirBoundaries() {
        for (String n : List.of("b", "a", "ab", "a-z", "a.z", "a_z", "a9", "abc", "b0", "Zed", "gone")) {
            t.broker.add(new NewClient(n, n.length() % 2 == 0 ? ClientKind.SUBNET : ClientKind.HERMIT, ClientOs.LINUX,
                    n.equals("ab") ? "Carol@Example.org" : n.equals("b") ? "carl@example.org" : n.equals("a") ? "bob@x.org" : null));
        }
        t.broker.delete("gone");
        t.broker.suspend("ab");
        t.broker.revoke("b0");
        // lower-cased, byte by byte: '-' < '.' < digits < '_' < letters; the deleted one is never listed
        List<String> order = List.of("a", "a-z", "a.z", "a9", "a_z", "ab", "abc", "b", "b0", "Zed");
        assertThat(names(all(t.broker))).containsExactlyElementsOf(order);
        assertThat(t.broker.page(ClientQuery.ALL, 0, 3).total()).isEqualTo(10);
        assertThat(page(ClientQuery.ALL, 0, 3)).containsExactly("a", "a-z", "a.z");
        assertThat(page(ClientQuery.ALL, 3, 3)).containsExactly("a9", "a_z", "ab");
        assertThat(page(ClientQuery.ALL, 9, 3)).containsExactly("Zed");
        assertThat(t.broker.page(ClientQuery.ALL, 10, 3)).satisfies(p -> {
            assertThat(p.items()).isEmpty();
            assertThat(p.total()).isEqualTo(10);
        });
        // the start of a name: a range that ends before the next name that does not start so
        assertThat(page(names("a"), 0, 50)).containsExactly("a", "a-z", "a.z", "a9", "a_z", "ab", "abc");
        assertThat(page(names("AB"), 0, 50)).containsExactly("ab", "abc");
        assertThat(page(names("abc"), 0, 50)).containsExactly("abc");
        assertThat(page(names("abd"), 0, 50)).isEmpty();
        assertThat(page(names("z"), 0, 50)).containsExactly("Zed");
        assertThat(t.broker.page(names("a"), 5, 1)).satisfies(p -> {
            assertThat(names(p.items())).containsExactly("ab");
            assertThat(p.total()).isEqualTo(7);
        });
        // the start of an e-mail address, case-insensitive
        assertThat(page(new ClientQuery(null, null, null, "CAR", null, null), 0, 50)).containsExactly("ab", "b");
        assertThat(page(new ClientQuery(null, null, null, "carol@", null, null), 0, 50)).containsExactly("ab");
        // states and kinds, alone and together
        assertThat(page(ClientQuery.ALL.withStatus(ClientStatus.SUSPENDED), 0, 50)).containsExactly("ab");
        assertThat(page(ClientQuery.ALL.withStatus(ClientStatus.REVOKED), 0, 50)).containsExactly("b0");
        assertThat(t.broker.page(ClientQuery.ALL.withStatus(ClientStatus.ACTIVE), 0, 1).total()).isEqualTo(8);
        assertThat(page(ClientQuery.ALL.withType(ClientKind.SUBNET), 0, 50)).containsExactly("a9", "ab", "b0");
        assertThat(page(names("a").withType(ClientKind.HERMIT).withStatus(ClientStatus.ACTIVE), 0, 50))
                .containsExactly("a", "a-z", "a.z", "a_z", "abc");
        // the holder of a pool index
        Client ab = t.broker.show("ab");
        assertThat(page(new ClientQuery(null, null, null, null, new ClientQuery.Holder(ClientKind.SUBNET, 64, ab.assignment().index()),
                null), 0, 50)).containsExactly("ab");
        assertThat(page(new ClientQuery(null, null, null, null, new ClientQuery.Holder(ClientKind.HERMIT, 128, ab.assignment().index()),
                null), 0, 50)).doesNotContain("ab");
        // a keyset cursor, and the walk that reads batch after batch with it
        assertThat(page(ClientQuery.ALL.after("AB"), 0, 50)).containsExactly("abc", "b", "b0", "Zed");
        assertThat(names(t.broker.walk(ClientQuery.ALL, 3))).containsExactlyElementsOf(order);
        assertThat(names(t.broker.walk(names("a"), 7))).containsExactly("a", "a-z", "a.z", "a9", "a_z", "ab", "abc");
        assertThat(names(t.broker.walk(names("nobody"), 3))).isEmpty();
        Broker.Counts counts = t.broker.counts();
        assertThat(counts.total()).isEqualTo(10);
        assertThat(counts.of(ClientStatus.ACTIVE)).isEqualTo(8);
        assertThat(counts.of(ClientKind.SUBNET)).isEqualTo(3);
    }

    // ---- reclaim and the audit trail

    /** A session of {@code name} last seen now (one a day keeps it active). */
    private void seen(String name, long mgmtId) {
        java.time.Instant now = t.clock.instant();
        t.store.inTransaction(tx -> {
            tx.upsertSession(new net.v6broker.store.SessionRow(0, "n1", name, mgmtId, "198.51.100.20:1194", null, now, now,
                    1000, 1000, null));
            return null;
        });
    }

    @Test
    void reclaimNotifiesSuspendsAndDeletesOnScheduleAndLeavesClientsWithTrafficAlone() throws Exception {
        Path hookOut = dir.resolve("notices.txt");
        Path hook = dir.resolve("notify.sh");
        java.nio.file.Files.writeString(hook, "#!/bin/sh\necho \"$@\" >> " + hookOut + "\n");
        hook.toFile().setExecutable(true);
        for (String name : List.of("alice", "bob", "dave", "erin")) {
            t.broker.add(new NewClient(name, ClientKind.HERMIT, ClientOs.LINUX, name + "@example.net")).value();
        }
        Reclaim reclaim = new Reclaim(t.broker.as(Actor.daemon("n1")), t.store, t.clock,
                new net.v6broker.config.BrokerConfig.Reclaim(90, 104, 120, hook.toString()));
        Actor web = Actor.web("ops", "198.51.100.9");
        List<String> steps = new ArrayList<>();
        for (int day = 1; day <= 130; day++) {
            t.clock.advance(Duration.ofDays(1));
            seen("bob", day); // bob has traffic every day
            if (day == 95) {
                seen("dave", 1000); // dave comes back after his notice
            }
            if (day == 110) {
                t.broker.as(web).resume("erin"); // an operator gives erin another chance
            }
            for (Reclaim.Step step : reclaim.run()) {
                steps.add(day + " " + step.action() + " " + step.client());
            }
        }
        assertThat(steps).containsExactly("90 notify alice", "90 notify dave", "90 notify erin", "95 withdraw dave",
                "104 suspend alice", "104 suspend erin", "110 notify erin", "120 delete alice", "124 suspend erin");
        assertThat(t.broker.find("alice")).isEmpty();
        assertThat(t.broker.show("bob").status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(t.broker.show("dave").status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(t.broker.show("erin").status()).isEqualTo(ClientStatus.SUSPENDED);
        assertThat(java.nio.file.Files.readAllLines(hookOut)).extracting(l -> l.split(" ")[0] + " " + l.split(" ")[1])
                .containsExactly("alice alice@example.net", "dave dave@example.net", "erin erin@example.net",
                        "erin erin@example.net");
        assertThat(reclaim.notices()).extracting(Reclaim.Notice::client).containsExactly("erin");

        // every step is in the audit trail, under the actor that took it
        List<net.v6broker.store.AuditRow> alice = t.store.read(tx -> tx.audit("alice", null, 0, 100));
        assertThat(alice).extracting(a -> a.action() + " by " + a.actorKind() + ":" + a.actor() + " from " + a.origin())
                .containsExactly("add by cli:" + System.getProperty("user.name") + " from " + Actor.commandLine().origin(),
                        "reclaim-notify by daemon:v6broker serve from n1", "suspend by daemon:v6broker serve from n1",
                        "delete by daemon:v6broker serve from n1");
        assertThat(alice.get(2).detail()).startsWith("reclaim: no session since 2026-11-24T10:00:00Z (104 days)");
        assertThat(alice.get(2).before()).contains("\"status\":\"active\"");
        assertThat(alice.get(2).after()).contains("\"status\":\"suspended\"");
        assertThat(alice.get(3).before()).contains("\"prefix\":\"2001:db8:abba:f1ff::100/128\"");
        assertThat(alice.get(3).after()).isNull();
        List<net.v6broker.store.AuditRow> erin = t.store.read(tx -> tx.audit("erin", null, 0, 100));
        assertThat(erin).extracting(a -> a.action() + " " + a.actorKind()).containsExactly("add cli", "reclaim-notify daemon",
                "suspend daemon", "resume web", "reclaim-notify daemon", "suspend daemon");
        assertThat(erin.get(3).origin()).isEqualTo("198.51.100.9");
        List<net.v6broker.store.AuditRow> bob = t.store.read(tx -> tx.audit("bob", null, 0, 100));
        assertThat(bob).extracting(net.v6broker.store.AuditRow::action).containsExactly("add");
    }

    @Test
    void aReclaimPolicyThatIsOffTouchesNothing() {
        add("alice", ClientKind.HERMIT);
        t.clock.advance(Duration.ofDays(1000));
        Reclaim off = new Reclaim(t.broker, t.store, t.clock, net.v6broker.config.BrokerConfig.Reclaim.OFF);
        assertThat(off.run()).isEmpty();
        assertThat(t.broker.show("alice").status()).isEqualTo(ClientStatus.ACTIVE);
    }

    @Test
    void everyChangeIsAuditedWithItsActorAndARefusedChangeLeavesNoRow() {
        Actor api = Actor.api("ops", "203.0.113.5");
        t.broker.as(api).add(new NewClient("site", ClientKind.SUBNET, ClientOs.LINUX, null));
        t.broker.as(api).renew("site");
        t.broker.as(api).suspend("site");
        assertThatThrownBy(() -> t.broker.as(api).suspend("site")).isInstanceOf(ConflictException.class);
        t.broker.revoke(List.of("site"));
        // the first rows are the home's creation and its first CRL
        List<net.v6broker.store.AuditRow> rows = t.store.read(tx -> tx.audit(null, null, 0, 100));
        assertThat(rows).extracting(a -> a.action() + " " + a.actorKind() + " " + (a.clientName() == null ? "-" : a.clientName()))
                .containsExactly("init cli -", "crl cli -", "add api site", "renew api site", "crl api -", "suspend api site", "revoke cli site",
                        "crl cli -");
        net.v6broker.store.AuditRow renew = rows.get(3);
        assertThat(renew.origin()).isEqualTo("203.0.113.5");
        assertThat(renew.before()).isNotEqualTo(renew.after()).contains("\"serial\"");
        assertThat(net.v6broker.api.AuditView.changes(renew)).startsWith("serial ").doesNotContain("status");
    }

    @Test
    void renewingSeveralClientsIsOneTransactionWithOneCrlOrNothing() {
        add("a", ClientKind.HERMIT);
        add("b", ClientKind.SUBNET);
        add("c", ClientKind.HERMIT);
        t.broker.revoke("c");
        long crlBefore = t.broker.currentCrl().number();
        String aSerial = t.broker.show("a").serial();
        assertThatThrownBy(() -> t.broker.renew(List.of("a", "c"))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("'c'").hasMessageContaining("revoked");
        assertThatThrownBy(() -> t.broker.renew(List.of("a", "A"))).hasMessageContaining("named twice");
        assertThat(t.broker.show("a").serial()).as("nothing renewed").isEqualTo(aSerial);
        assertThat(t.broker.currentCrl().number()).isEqualTo(crlBefore);

        List<Client> renewed = t.broker.renew(List.of("a", "b")).value();
        assertThat(renewed).extracting(Client::name).containsExactly("a", "b");
        assertThat(renewed.get(0).serial()).isNotEqualTo(aSerial);
        assertThat(renewed.get(0).assignment()).isEqualTo(t.broker.show("a").assignment());
        assertThat(t.broker.currentCrl().number()).as("one CRL for both").isEqualTo(crlBefore + 1);
        java.security.cert.X509CRL crl = Pem.readCrl(t.broker.currentCrl().pem());
        assertThat(crl.getRevokedCertificate(new java.math.BigInteger(aSerial, 16))).isNotNull();
    }
}
