package net.v6broker.cli;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.v6broker.api.PlanUsage;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.store.Store;
import net.v6broker.store.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `db migrate-to postgres` on a broker with history, then the broker served from PostgreSQL. */
class DbMigrateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PostgresServer.ForClass pg = new PostgresServer.ForClass();
    @TempDir
    Path dir;

    @Test
    void movesEveryClientPrefixAndSerialUnchangedAndCarriesOnFromPostgres() throws Exception {
        String h = dir.resolve("home").toString();
        assertThat(run("init", "--home", h, "--prefix", "2001:db8:abba:f100::/56", "--endpoint", "vpn.example.net").code()).isZero();
        for (int i = 0; i < 6; i++) {
            run("client", "add", "c" + i, "--home", h, "--type", i % 2 == 0 ? "subnet" : "hermit");
        }
        run("client", "revoke", "c1", "--home", h);
        run("client", "suspend", "c2", "--home", h);
        run("client", "delete", "c3", "--home", h);
        JsonNode before = JSON.readTree(run("client", "list", "--json", "--home", h).out());
        String crlBefore = run("ca", "crl", "--home", h).out();
        Path secret = dir.resolve("pw");
        Files.writeString(secret, pg.get().password() + "\n");

        CliRunner.Run m = run("db", "migrate-to", "postgres", "--url", pg.get().jdbcUrl(), "--user", pg.get().user(),
                "--password-file", secret.toString(), "--home", h);
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(m.out()).contains("clients").contains("6 rows");
        assertThat(Files.readString(dir.resolve("home/config.json"))).contains(pg.get().jdbcUrl()).doesNotContain(pg.get().password());

        // same clients, prefixes, serials, statuses and CRL, now read from PostgreSQL
        assertThat(JSON.readTree(run("client", "list", "--json", "--home", h).out())).isEqualTo(before);
        assertThat(run("ca", "crl", "--home", h).out()).isEqualTo(crlBefore);
        assertThat(pg.get().psql("v6broker", "SELECT count(*) FROM clients")).isEqualTo("6");
        // vacuumed and analysed after the bulk load (reltuples is -1 until a table's first VACUUM or ANALYZE)
        assertThat(pg.get().psql("v6broker", "SELECT reltuples FROM pg_class WHERE relname = 'clients'")).isEqualTo("6");
        assertThat(pg.get().psql("v6broker", "SELECT reltuples >= 6 FROM pg_class WHERE relname = 'certificates'")).isEqualTo("t");
        // and it carries on: the next subnet client skips the held and quarantined /64s, ids continue
        JsonNode next = JSON.readTree(run("client", "add", "c6", "--type", "subnet", "--json", "--home", h).out());
        assertThat(next.get("prefix").asText()).isEqualTo("2001:db8:abba:f104::/64");
        assertThat(run("client", "add", "c0", "--type", "subnet", "--home", h).code()).isEqualTo(Cli.CONFLICT);
        assertThat(run("client", "revoke", "c0", "--home", h).code()).isZero();
        // the plan picture's counts, made by PostgreSQL's GROUP BY: subnets c0 c2 c4 c6 at /64s 1..4,
        // hermits c1 (revoked, still held) and c5, c3's address in quarantine
        try (Store store = Store.open(pg.get().jdbcUrl(), pg.get().user(), pg.get().password())) {
            PlanUsage u = PlanUsage.of(AddressPlan.parse("2001:db8:abba:f100::/56"), store, Instant.now());
            assertThat(List.of(u.subnetsUsed(), u.subnetsQuarantined(), u.hermitsUsed(), u.hermitsQuarantined()))
                    .containsExactly(4L, 0L, 2L, 1L);
            assertThat(u.cells().subList(1, 6)).extracting(PlanUsage.Cell::used).containsExactly(1L, 1L, 1L, 1L, 0L);
        }

        // a second migration into the now non-empty database is refused and changes nothing
        assertThat(run("db", "migrate-to", "postgres", "--url", pg.get().jdbcUrl(), "--user", pg.get().user(), "--password-file",
                secret.toString(), "--home", h).err()).contains("already uses PostgreSQL");
    }
}
