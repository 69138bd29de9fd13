package net.v6broker.link;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.v6broker.config.Home;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link prefixes in a real SQLite home made by 'v6broker init': taken like a client's, never shared with one. */
class LinkRegistryTest {
    static final String PREFIX = "2001:db8:abba:f100::/56";
    @TempDir
    Path dir;
    Path home;
    Store store;
    LinkRegistry links;

    @BeforeEach
    void home() {
        home = dir.resolve("home");
        CliRunner.init(home, PREFIX, "198.51.100.1:1194");
        store = Store.openSqlite(new Home(home).database());
        links = new LinkRegistry(store, AddressPlan.parse(PREFIX), Clock.systemUTC(), Duration.ofDays(30));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static LinkSpec spec(String name, String prefix) {
        return LinkSpec.parse(name, "gw.example.net", null, null, prefix, null, null, false);
    }

    private String clientPrefix(String name) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok("client", "show", name, "--json", "--home",
                home.toString())).get("prefix").asText();
    }

    @Test
    void aLinkTakesTheLowestFreeSubnetSlashSixtyFourAndALaterClientSkipsIt() throws Exception {
        ok("client", "add", "s1", "--type", "subnet", "--home", home.toString());
        LinkSpec link = links.reserve(spec("office", null));
        assertThat(link.prefix()).hasToString("2001:db8:abba:f102::/64");
        ok("client", "add", "s2", "--type", "subnet", "--home", home.toString());
        assertThat(clientPrefix("s1")).isEqualTo("2001:db8:abba:f101::/64");
        assertThat(clientPrefix("s2")).as("the client allocator skips the link's /64").isEqualTo("2001:db8:abba:f103::/64");
        assertThat(links.list()).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("office");
            assertThat(l.prefix()).isEqualTo("2001:db8:abba:f102::/64");
            assertThat(l.poolIndex()).isEqualTo(2L);
        });
    }

    @Test
    void aGivenSubnetPrefixHeldByAClientIsRefusedNamingTheClient() {
        ok("client", "add", "s1", "--type", "subnet", "--home", home.toString());
        assertThatThrownBy(() -> links.reserve(spec("office", "2001:db8:abba:f101::/64")))
                .isInstanceOf(LinkConflictException.class)
                .hasMessage("--prefix 2001:db8:abba:f101::/64 is the prefix of client 's1': a link needs a free /64 (leave "
                        + "--prefix out to get the lowest free one)");
        assertThat(links.list()).isEmpty();
    }

    @Test
    void theTransferAndHermitSlashSixtyFoursAreNotLinkPrefixes() {
        assertThatThrownBy(() -> links.reserve(spec("a", "2001:db8:abba:f100::/64"))).hasMessageContaining("transfer /64");
        assertThatThrownBy(() -> links.reserve(spec("b", "2001:db8:abba:f1ff::/64"))).hasMessageContaining("hermit /64");
    }

    @Test
    void aPrefixOutsideTheBrokersIsRecordedAndCannotBeTakenTwice() {
        LinkSpec a = links.reserve(spec("a", "2001:db8:abba:1000::/64"));
        assertThat(a.prefix()).hasToString("2001:db8:abba:1000::/64");
        assertThat(links.list()).singleElement().satisfies(l -> assertThat(l.poolIndex()).isNull());
        assertThatThrownBy(() -> links.reserve(spec("b", "2001:db8:abba:1000::/64"))).isInstanceOf(LinkConflictException.class)
                .hasMessage("--prefix 2001:db8:abba:1000::/64 is held by link 'a'");
    }

    @Test
    void aSecondLinkOfTheSameNameIsRefusedCaseInsensitively() {
        links.reserve(spec("office", null));
        assertThatThrownBy(() -> links.reserve(spec("OFFICE", null))).isInstanceOf(LinkConflictException.class)
                .hasMessageContaining("a link named 'office' exists already");
    }

    @Test
    void aNetworkBehindTheLaptopInsideTheBrokersPrefixIsRefused() {
        LinkSpec s = LinkSpec.parse("office", "gw.example.net", null, null, null, "2001:db8:abba:f1a0::/60", null, false);
        assertThatThrownBy(() -> links.reserve(s)).isInstanceOf(LinkConflictException.class)
                .hasMessageContaining("overlaps the broker's prefix 2001:db8:abba:f100::/56");
    }

    @Test
    void theDatabaseRefusesAClientAllocationOnALinksIndexWhateverTheWriter() throws Exception {
        links.reserve(spec("office", null));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + new Home(home).database());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = OFF");
            assertThatThrownBy(() -> s.execute("INSERT INTO allocations (pool, pool_index, client_id, allocated_at) "
                    + "VALUES ('subnet', 1, 999, " + Instant.now().toEpochMilli() + ")"))
                    .hasMessageContaining("UNIQUE constraint failed: subnet index held by a link");
        }
    }

    @Test
    void aDeletedLinksPrefixIsQuarantinedThenReusable() {
        links.reserve(spec("office", null));
        links.delete("office");
        assertThat(links.list()).isEmpty();
        assertThat(links.reserve(spec("office", null)).prefix()).as("quarantined: the next one")
                .hasToString("2001:db8:abba:f102::/64");
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), ZoneOffset.UTC);
        LinkRegistry afterQuarantine = new LinkRegistry(store, AddressPlan.parse(PREFIX), later, Duration.ofDays(30));
        assertThat(afterQuarantine.reserve(spec("home", null)).prefix()).as("reusable after the quarantine")
                .hasToString("2001:db8:abba:f101::/64");
        assertThatThrownBy(() -> links.delete("nobody")).isInstanceOf(LinkNotFoundException.class);
    }

    @Test
    void aCancelledReservationFreesItsPrefixAtOnce() {
        links.reserve(spec("office", null));
        links.cancel("office");
        assertThat(links.list()).isEmpty();
        assertThat(links.reserve(spec("office", null)).prefix()).hasToString("2001:db8:abba:f101::/64");
    }
}
