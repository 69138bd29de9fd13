package net.v6broker.link;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import net.v6broker.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'v6broker link create|list|delete' through the real command line. */
class LinkCommandTest {
    @TempDir
    Path dir;

    private Path init() {
        Path home = dir.resolve("home");
        CliRunner.init(home, "198.51.100.1:1194");
        return home;
    }

    private static List<String> tree(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> {
                try {
                    return root.relativize(p) + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    @Test
    void createWritesBothEndsWithPrivateConfigsAndListsTheLink() throws Exception {
        Path home = init();
        Path out = dir.resolve("office");
        CliRunner.Run r = run("link", "create", "office", "--gateway", "gw.example.net", "--out", out.toString(), "--behind",
                "2001:db8:beef::/48", "--home", home.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote link office to " + out + ": tap 2001:db8:abba:f101::/64, gateway "
                + "2001:db8:abba:f101::1 (gw.example.net), laptop 2001:db8:abba:f101::2, behind the laptop 2001:db8:beef::/48");
        assertThat(tree(out)).containsExactly("README.txt rw-r--r--", "gateway/office.conf rw-------", "gateway/office.nft rw-r--r--",
                "gateway/office.up rwxr-xr-x", "laptop/office.conf rw-------", "laptop/office.up rwxr-xr-x");
        CliRunner.Run list = run("link", "list", "--home", home.toString());
        assertThat(list.out()).contains("office", "2001:db8:abba:f101::/64", "tap", "gw.example.net");
        CliRunner.Run again = run("link", "create", "home", "--gateway", "gw.example.net", "--out", dir.resolve("home-link").toString(),
                "--home", home.toString());
        assertThat(again.out()).contains("2001:db8:abba:f102::/64");
    }

    @Test
    void aNonEmptyOutputFolderIsRefusedBeforeAnyPrefixIsTaken() throws Exception {
        Path home = init();
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        CliRunner.Run r = run("link", "create", "office", "--gateway", "gw.example.net", "--out", out.toString(), "--home", home.toString());
        assertThat(r.code()).isEqualTo(Cli.CONFLICT);
        assertThat(r.err()).contains("is not empty");
        assertThat(tree(out)).containsExactly("keep.txt rw-r--r--");
        assertThat(run("link", "list", "--home", home.toString()).out().lines().count()).as("only the header").isEqualTo(1);
    }

    @Test
    void aFolderThatCannotBeWrittenGivesBackTheReservedPrefix() throws Exception {
        Path home = init();
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        CliRunner.Run r = run("link", "create", "office", "--gateway", "gw.example.net", "--out", file.resolve("office").toString(), "--home",
                home.toString());
        assertThat(r.code()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("writing the link folder");
        assertThat(run("link", "list", "--home", home.toString()).out().lines().count()).as("only the header").isEqualTo(1);
        assertThat(run("link", "create", "office", "--gateway", "gw.example.net", "--out", dir.resolve("ok").toString(), "--home",
                home.toString()).out()).as("the /64 is free at once").contains("2001:db8:abba:f101::/64");
    }

    @Test
    void anEmptyOutputFolderIsFilled() throws Exception {
        Path home = init();
        Path out = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("link", "create", "office", "--gateway", "gw.example.net", "--out", out.toString(), "--home",
                home.toString()).code()).isZero();
        assertThat(out.resolve("gateway/office.conf")).exists();
    }

    @Test
    void withoutAHomeAGivenPrefixIsUsedWithANoteAndWithoutOneTheCommandSaysWhatIsMissing() {
        Path out = dir.resolve("standalone");
        CliRunner.Run r = run("link", "create", "office", "--gateway", "203.0.113.1", "--prefix", "2001:db8:abba:1000::/64", "--dev", "tun",
                "--out", out.toString(), "--home", dir.resolve("nohome").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("note: no broker home", "is not recorded");
        assertThat(out.resolve("laptop/office.up")).content().contains("dev=tun_office");
        CliRunner.Run none = run("link", "create", "other", "--gateway", "203.0.113.1", "--out", dir.resolve("x").toString(), "--home",
                dir.resolve("nohome").toString());
        assertThat(none.code()).isEqualTo(Cli.NO_HOME);
        assertThat(none.err()).contains("give --home DIR (or V6BROKER_HOME), or --prefix P/64");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void theLegacyStaticKeyVariantWarnsThatOpenvpn27RefusesIt() throws Exception {
        Path home = init();
        Path out = dir.resolve("legacy");
        CliRunner.Run r = run("link", "create", "office", "--gateway", "gw.example.net", "--out", out.toString(), "--legacy-static-key",
                "--home", home.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --legacy-static-key", "OpenVPN 2.7 refuses it");
        assertThat(tree(out)).contains("gateway/office.key rw-------", "laptop/office.key rw-------", "gateway/office.conf rw-r--r--");
    }

    @Test
    void badInputIsRefusedWithExitCodeTwoAndAnUnknownLinkWithThree() {
        Path home = init();
        assertThat(run("link", "create", "a;b", "--gateway", "gw", "--out", dir.resolve("a").toString(), "--home",
                home.toString()).code()).isEqualTo(Cli.INVALID);
        assertThat(run("link", "create", "ok", "--gateway", "gw", "--ifname", "tap;x", "--out", dir.resolve("b").toString(),
                "--home", home.toString()).code()).isEqualTo(Cli.INVALID);
        CliRunner.Run missing = run("link", "delete", "nobody", "--home", home.toString());
        assertThat(missing.code()).isEqualTo(Cli.NOT_FOUND);
        assertThat(missing.err()).contains("no link named 'nobody'");
    }

    @Test
    void deleteQuarantinesTheLinksPrefix() {
        Path home = init();
        run("link", "create", "office", "--gateway", "gw", "--out", dir.resolve("o").toString(), "--home", home.toString());
        CliRunner.Run d = run("link", "delete", "office", "--home", home.toString());
        assertThat(d.code()).isZero();
        assertThat(d.out()).isEqualTo("deleted link office; 2001:db8:abba:f101::/64 is quarantined for 30 day(s)\n");
        CliRunner.Run again = run("link", "create", "office", "--gateway", "gw", "--out", dir.resolve("o2").toString(), "--home",
                home.toString());
        assertThat(again.out()).contains("2001:db8:abba:f102::/64");
    }
}
