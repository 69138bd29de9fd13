package net.v6broker.openvpn;

import net.v6broker.error.InvalidInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.v6broker.broker.Client;
import net.v6broker.home.HomeSetup;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServerDirs against a real home on disk, with clients built in memory. */
class ServerDirsTest {
    @TempDir
    Path dir;
    Home home;
    ServerDirs dirs;

    @BeforeEach
    void init() {
        BrokerConfig config = new BrokerConfig(Fixtures.SEED_PREFIX, BrokerConfig.Endpoint.parse("vpn.example.net"), null, null, null);
        home = new HomeSetup(Clock.systemUTC(), new SecureRandom()).create(dir.resolve("home"), config);
        String serverKey = net.v6broker.ca.TlsCryptV2.generateServerKey(new java.security.SecureRandom());
        dirs = new ServerDirs(home, home.loadConfig(), () -> serverKey);
    }

    private static List<String> ls(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void namesWithUnderscoresAndDotsRenderAndOnlyActiveClientsGetFiles() throws Exception {
        Client a = Fixtures.client("_lab.gw-1", 1, ClientKind.SUBNET, 1, ClientOs.LINUX, ClientStatus.ACTIVE);
        Client b = Fixtures.client("b_b", 2, ClientKind.HERMIT, 0x100, ClientOs.LINUX, ClientStatus.SUSPENDED);
        Client c = Fixtures.client("c", 3, ClientKind.HERMIT, 0x101, ClientOs.LINUX, ClientStatus.REVOKED);
        Path out = dir.resolve("srv");
        ServerDirs.Rendered r = dirs.render(out, Layout.SHARED, List.of(a, b, c));
        assertThat(r.clients()).isEqualTo(1);
        assertThat(ls(out.resolve("ccd"))).containsExactly("_lab.gw-1");
        assertThat(dirs.recorded()).containsExactly(new ServerDirs.Recorded(out, Layout.SHARED));
    }

    @Test
    void aRenderOfAnUpToDateDirectoryWritesNothingAndOtherwiseOnlyWhatDiffers() throws Exception {
        Client a = Fixtures.client("a", 1, ClientKind.SUBNET, 1, ClientOs.LINUX, ClientStatus.ACTIVE);
        Client b = Fixtures.client("b", 2, ClientKind.HERMIT, 0x100, ClientOs.LINUX, ClientStatus.ACTIVE);
        Client c = Fixtures.client("c", 3, ClientKind.HERMIT, 0x101, ClientOs.LINUX, ClientStatus.ACTIVE);
        for (Layout layout : Layout.values()) {
            Path out = dir.resolve("srv-" + layout.cliName());
            ServerDirs.Rendered first = dirs.render(out, layout, List.of(a, b, c));
            assertThat(first.written()).as("first render of %s", layout).isGreaterThan(3);
            assertThat(dirs.render(out, layout, List.of(a, b, c)).written()).as("again, %s", layout).isZero();
            Path bFile = out.resolve(layout == Layout.SHARED ? "ccd/b" : "b.conf");
            Path aFile = out.resolve(layout == Layout.SHARED ? "ccd/a" : "a.conf");
            Object aInode = Files.getAttribute(aFile, "unix:ino");
            String bText = Files.readString(bFile);
            Files.writeString(bFile, bText + "# changed by hand\n");
            Client cSuspended = Fixtures.client("c", 3, ClientKind.HERMIT, 0x101, ClientOs.LINUX, ClientStatus.SUSPENDED);
            ServerDirs.Rendered r = dirs.render(out, layout, List.of(a, b, cSuspended));
            // b's file differed; the per-client list of units changed with c; c's files are stale
            assertThat(r.written()).as("%s", layout).isEqualTo(layout == Layout.SHARED ? 1 : 2);
            assertThat(r.removed()).isEqualTo(layout == Layout.SHARED ? 1 : 2);
            assertThat(Files.readString(bFile)).isEqualTo(bText);
            assertThat(Files.getAttribute(aFile, "unix:ino")).as("a's file was not rewritten").isEqualTo(aInode);
            // a file with the right text but the wrong mode is written again
            Files.setPosixFilePermissions(aFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            assertThat(dirs.render(out, layout, List.of(a, b, cSuspended)).written()).isEqualTo(1);
        }
    }

    @Test
    void aClientChangeReachesOnlyExistingRecordedDirectoriesAndADeletedClientLosesItsFile() throws Exception {
        Client a = Fixtures.client("a", 1, ClientKind.SUBNET, 1, ClientOs.LINUX, ClientStatus.ACTIVE);
        Path kept = dir.resolve("kept");
        Path gone = dir.resolve("gone");
        dirs.render(kept, Layout.SHARED, List.of(a));
        dirs.render(gone, Layout.PER_CLIENT, List.of(a));
        deleteTree(gone);
        dirs.clientsChanged(Map.of("a", Optional.empty()));
        assertThat(kept.resolve("ccd/a")).doesNotExist();
        assertThat(gone).doesNotExist();
        dirs.clientsChanged(Map.of("a", Optional.of(a)));
        assertThat(kept.resolve("ccd/a")).exists();
    }

    @Test
    void aNameThatIsNotAClientNameNeverBecomesAPath() {
        dirs.render(dir.resolve("srv"), Layout.SHARED, List.of());
        for (String bad : List.of("../home/config.json", "a/b", ".hidden", "")) {
            assertThatThrownBy(() -> dirs.clientsChanged(Map.of(bad, Optional.empty()))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("invalid client name");
        }
        assertThat(home.config()).exists();
    }

    @Test
    void manyClientsChangedAtOnceReachEveryRecordedDirectory() throws Exception {
        Path shared = dir.resolve("s");
        Path perClient = dir.resolve("p");
        dirs.render(shared, Layout.SHARED, List.of());
        dirs.render(perClient, Layout.PER_CLIENT, List.of());
        List<Client> imported = List.of(Fixtures.client("x1", 1, ClientKind.SUBNET, 1, ClientOs.LINUX, ClientStatus.ACTIVE),
                Fixtures.client("x2", 2, ClientKind.HERMIT, 0x100, ClientOs.LINUX, ClientStatus.ACTIVE));
        Map<String, Optional<Client>> changed = new java.util.LinkedHashMap<>();
        imported.forEach(c -> changed.put(c.name(), Optional.of(c)));
        dirs.clientsChanged(changed);
        assertThat(ls(shared.resolve("ccd"))).containsExactly("x1", "x2");
        assertThat(Files.readAllLines(perClient.resolve("units.txt"))).containsExactly("v6broker-openvpn@x1.service",
                "v6broker-openvpn@x2.service");
    }

    @Test
    void aBrokenRegistryIsReportedWithHowToRecover() throws Exception {
        Files.writeString(home.dir().resolve("server-dirs.json"), "{not json");
        assertThatThrownBy(() -> dirs.recorded()).isInstanceOf(HomeException.class).hasMessageContaining("delete it to forget");
    }

    @Test
    void crlChangedWritesTheCrlIntoEveryDirectory() throws Exception {
        Path out = dir.resolve("srv");
        dirs.render(out, Layout.SHARED, List.of());
        Home.writeAtomically(home.crl(), Files.readString(home.crl()) + "\n", Home.PUBLIC);
        dirs.crlChanged(Files.readString(home.crl()));
        assertThat(Files.readString(out.resolve("crl.pem"))).isEqualTo(Files.readString(home.crl()));
    }

    @Test
    void theVerifyHookIsRenderedOnlyWhenTheOperatorTurnsItOnAndGoesWhenTurnedOff() throws Exception {
        Path out = dir.resolve("srv");
        dirs.render(out, Layout.SHARED, List.of());
        assertThat(Files.readString(out.resolve("server.conf"))).doesNotContain("tls-crypt-v2-verify", "script-security");
        assertThat(out.resolve(ServerConfigs.VERIFY_SCRIPT)).doesNotExist();
        assertThat(out.resolve("revoked")).doesNotExist();

        BrokerConfig.OpenVpn o = home.loadConfig().openvpn();
        BrokerConfig on = home.loadConfig().withOpenVpn(new BrokerConfig.OpenVpn(o.route(), o.portBase(), o.lanInterface(),
                o.tlsCrypt(), true, o.tcpPort(), o.compatPort()));
        String serverKey = net.v6broker.ca.TlsCryptV2.generateServerKey(new SecureRandom());
        new ServerDirs(home, on, () -> serverKey).render(out, Layout.SHARED, List.of());
        assertThat(Files.readString(out.resolve("server.conf")))
                .contains("tls-crypt-v2-verify " + out.resolve(ServerConfigs.VERIFY_SCRIPT), "script-security 2");
        assertThat(out.resolve(ServerConfigs.VERIFY_SCRIPT)).isExecutable();
        assertThat(out.resolve("revoked")).isDirectory();

        dirs.render(out, Layout.SHARED, List.of());
        assertThat(Files.readString(out.resolve("server.conf"))).doesNotContain("tls-crypt-v2-verify");
        assertThat(out.resolve(ServerConfigs.VERIFY_SCRIPT)).as("no stale hook").doesNotExist();
        assertThat(out.resolve("revoked")).doesNotExist();
    }

    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
