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
        assertThat(t.broker.list()).hasSize(1);
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
        assertThat(t.broker.list()).isEmpty();
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
        assertThat(t.broker.list()).hasSize(160);
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
                .hasMessage("subnet pool 2001:db8:abba:f0::/60 exhausted: 14 of 14 /64s in use");
        assertThat(t.broker.list()).hasSize(14);
        assertThat(add("h", ClientKind.HERMIT).assignment().prefix()).hasToString("2001:db8:abba:ff::100/128");
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
        assertThat(t.broker.list()).extracting(Client::name).containsExactly("n1", "taken");
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
            assertThat(tx.takenIndices(ClientKind.SUBNET, t.clock.instant())).containsExactlyInAnyOrder(1L, 2L);
            assertThat(tx.takenIndices(ClientKind.HERMIT, t.clock.instant())).hasSize(1);
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
}
