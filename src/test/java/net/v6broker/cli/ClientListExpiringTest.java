package net.v6broker.cli;

import static net.v6broker.CliRunner.ok;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.v6broker.CliRunner;
import net.v6broker.config.Defaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code client list --expiring DAYS}: the clients whose certificate ends within DAYS, revoked ones left out. */
class ClientListExpiringTest {
    @TempDir
    Path dir;

    @Test
    void listsTheCertificatesEndingWithinTheDaysAndNotTheRevokedOrTheRenewed() {
        String h = CliRunner.init(dir.resolve("home"), "vpn.example.net").toString();
        Instant start = Instant.now();
        for (String n : new String[] {"anna", "bert", "carl"}) {
            ok("client", "add", n, "--type", "hermit", "--home", h);
        }
        ok("client", "revoke", "carl", "--home", h);
        assertThat(ok("client", "list", "--expiring", "30d", "--home", h)).doesNotContain("anna", "bert");
        // 20 days before the certificates end: all but the revoked one are listed
        Clock late = Clock.fixed(start.plus(Duration.ofDays(Defaults.CERT_DAYS - 20)), ZoneOffset.UTC);
        CliRunner.Run r = run(late, "client", "list", "--expiring", "30", "--home", h);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("anna", "bert").doesNotContain("carl");
        // renewed then, bert's new certificate runs its whole term again
        assertThat(run(late, "client", "renew", "bert", "--home", h).code()).isZero();
        assertThat(run(late, "client", "list", "--expiring", "30d", "--json", "--home", h).out())
                .contains("\"anna\"").doesNotContain("\"bert\"", "\"carl\"");
        CliRunner.Run bad = run("client", "list", "--expiring", "a month", "--home", h);
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--expiring 'a month': accepted a number of days, 1..36500, such as 30 or 30d");
    }

    @Test
    void renewsEveryCertificateEndingWithinTheDaysInOneGo() {
        String h = CliRunner.init(dir.resolve("home"), "vpn.example.net").toString();
        Instant start = Instant.now();
        for (String n : new String[] {"anna", "bert", "carl", "dora"}) {
            ok("client", "add", n, "--type", "hermit", "--home", h);
        }
        ok("client", "revoke", "carl", "--home", h);
        Clock late = Clock.fixed(start.plus(Duration.ofDays(Defaults.CERT_DAYS - 20)), ZoneOffset.UTC);
        CliRunner.Run r = run(late, "client", "renew", "--expiring", "30d", "--home", h);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("renewed: anna", "renewed: bert", "renewed: dora", "3 client(s) renewed")
                .doesNotContain("carl");
        assertThat(run(late, "client", "list", "--expiring", "30d", "--home", h).out()).doesNotContain("anna", "bert", "dora");
        CliRunner.Run none = run("client", "renew", "--home", h);
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("name the clients to renew, or give one of --expiring DAYS");
        CliRunner.Run noRollover = run("client", "renew", "--previous-ca", "--home", h);
        assertThat(noRollover.code()).isEqualTo(2);
        assertThat(noRollover.err()).contains("no CA rollover is under way");
    }
}
