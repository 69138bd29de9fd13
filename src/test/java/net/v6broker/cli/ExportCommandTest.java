package net.v6broker.cli;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import net.v6broker.ca.Pem;
import net.v6broker.openvpn.OvpnConfig;
import net.v6broker.openvpn.Unpacked;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code client export} through the real command line. */
class ExportCommandTest extends WithSeedHome {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void clients() {
        ok("client", "add", "site", "--home", h, "--type", "subnet", "--email", "ops@example.net");
        ok("client", "add", "win", "--home", h, "--type", "subnet", "--os", "windows");
        ok("client", "add", "laptop", "--home", h, "--type", "hermit", "--os", "macos");
    }

    private long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void anOvpnProfileIsWrittenPrivateWithTheHomesCaAndTheClientsCertificate() throws Exception {
        Path out = dir.resolve("site.ovpn");
        String printed = ok("client", "export", "site", "--home", h, "--format", "ovpn", "--out", out.toString());
        assertThat(printed).contains("wrote " + out + " (ovpn, shared layout");
        ok("server", "config", "--home", h, "--out", dir.resolve("srv-key").toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        OvpnConfig p = OvpnConfig.parse(Files.readString(out));
        assertThat(p.one("remote")).containsExactly("vpn.example.net", "1194");
        assertThat(p.one("client")).isEmpty();
        assertThat(Pem.readCertificate(p.blocks().get("ca"))).isEqualTo(Pem.readCertificate(Files.readString(home.resolve("ca/ca.crt"))));
        String shown = JSON.readTree(ok("client", "show", "site", "--json", "--home", h)).get("certificate").asText();
        assertThat(Pem.readCertificate(p.blocks().get("cert"))).isEqualTo(Pem.readCertificate(shown));
        // its own tls-crypt-v2 key, wrapped with the broker's server key and naming it
        String server = Files.readString(dir.resolve("srv-key").resolve("tls-crypt-v2.key"));
        net.v6broker.ca.TlsCryptV2.Unwrapped u = net.v6broker.ca.TlsCryptV2.unwrapClientKey(server, p.blocks().get("tls-crypt-v2"));
        JsonNode site = JSON.readTree(ok("client", "show", "site", "--json", "--home", h));
        assertThat(net.v6broker.ca.TlsCryptV2.Metadata.of(u)).hasValueSatisfying(m -> {
            assertThat(m.clientId()).isPositive();
            assertThat(m.serial()).isEqualTo(site.get("serial").asText().toUpperCase(java.util.Locale.ROOT));
        });
        assertThat(p.blocks()).doesNotContainKey("tls-crypt");
        // each export is a key of its own; all of them open with the one server key
        Path again = dir.resolve("again.ovpn");
        ok("client", "export", "site", "--home", h, "--format", "ovpn", "--out", again.toString());
        String second = OvpnConfig.parse(Files.readString(again)).blocks().get("tls-crypt-v2");
        assertThat(second).isNotEqualTo(p.blocks().get("tls-crypt-v2"));
        net.v6broker.ca.TlsCryptV2.unwrapClientKey(server, second);
        assertThat(Files.readString(out)).doesNotContain("ops@example.net");
    }

    @Test
    void aPerClientTarGzCarriesThePortTheServerDirectoryListensOn() throws Exception {
        Path srv = dir.resolve("pc");
        ok("server", "config", "--home", h, "--layout", "per-client", "--out", srv.toString());
        Path out = dir.resolve("site.tar.gz");
        ok("client", "export", "site", "--home", h, "--format", "tar.gz", "--layout", "per-client", "--out", out.toString(),
                "--lan-if", "enp3s0");
        Unpacked a = Unpacked.tarGz(Files.readAllBytes(out));
        OvpnConfig client = OvpnConfig.parse(a.text("site/site.ovpn"));
        OvpnConfig server = OvpnConfig.parse(Files.readString(srv.resolve("site.conf")));
        assertThat(client.one("remote").get(1)).isEqualTo(server.one("port").get(0)).isEqualTo("5001");
        assertThat(client.one("ifconfig-ipv6")).containsExactly("2001:638:500:f100::f101:2/112", "2001:638:500:f100::f101:1");
        assertThat(Files.readString(srv.resolve("site.up"))).contains("ip -6 addr add 2001:638:500:f100::f101:1/112 dev \"$1\"");
        assertThat(a.permissions("site/site.ovpn")).isEqualTo(0600);
        assertThat(a.text("site/up.sh")).contains("dev enp3s0");
        JsonNode m = JSON.readTree(a.text("site/manifest.json"));
        assertThat(m.get("caFingerprint").asText()).isEqualTo(net.v6broker.ca.CertificateAuthority.load(
                Files.readString(home.resolve("ca/ca.crt")), Files.readString(home.resolve("ca/ca.key")),
                java.time.Clock.systemUTC(), new java.security.SecureRandom()).fingerprintSha256());
        assertThat(a.text("site/README.txt")).contains("ops@example.net");
    }

    @Test
    void aWindowsClientsZipHasUpCmdAndAMacHermitsTarHasNoUpScript() throws Exception {
        Path zip = dir.resolve("win.zip");
        ok("client", "export", "win", "--home", h, "--format", "zip", "--out", zip.toString());
        Unpacked z = Unpacked.zip(Files.readAllBytes(zip));
        assertThat(z.content()).containsKeys("win/win.ovpn", "win/up.cmd", "win/README.txt", "win/manifest.json");
        assertThat(OvpnConfig.parse(z.text("win/win.ovpn")).one("up")).containsExactly("up.cmd");
        Path tar = dir.resolve("laptop.tar.gz");
        ok("client", "export", "laptop", "--home", h, "--format", "tar.gz", "--out", tar.toString());
        Unpacked t = Unpacked.tarGz(Files.readAllBytes(tar));
        assertThat(t.content().keySet()).noneMatch(n -> n.contains("up."));
        assertThat(OvpnConfig.parse(t.text("laptop/laptop.ovpn")).names()).doesNotContain("up", "script-security");
    }

    @Test
    void anUnknownClientExitsWithNotFoundAndWritesNothing() throws Exception {
        long before = files();
        CliRunner.Run r = run("client", "export", "nobody", "--home", h, "--format", "ovpn", "--out", dir.resolve("x.ovpn").toString());
        assertThat(r.code()).isEqualTo(Cli.NOT_FOUND);
        assertThat(r.err()).contains("no client named 'nobody'");
        assertThat(files()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--format=tgz", "--format=OVPN", "--layout=p2p", "--lan-if=eth0;reboot", "--lan-if=eth0 eth1",
        "--lan-if=$(id)"})
    void aBadFormatLayoutOrLanInterfaceExitsInvalidAndWritesNothing(String bad) throws Exception {
        long before = files();
        String[] args = bad.startsWith("--format")
                ? new String[] {"client", "export", "site", "--home", h, bad, "--out", dir.resolve("x").toString()}
                : new String[] {"client", "export", "site", "--home", h, "--format", "tar.gz", bad, "--out", dir.resolve("x").toString()};
        CliRunner.Run r = run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).containsAnyOf("accepted ovpn, tar.gz, zip", "accepted shared, per-client", "accepted 1..15 letters");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void aMissingFormatExitsInvalid() {
        assertThat(run("client", "export", "site", "--home", h).code()).isEqualTo(Cli.INVALID);
    }

    @Test
    void aRevokedClientIsRefusedWithConflictAndASuspendedOneExported() throws Exception {
        ok("client", "suspend", "site", "--home", h);
        ok("client", "export", "site", "--home", h, "--format", "ovpn", "--out", dir.resolve("s.ovpn").toString());
        assertThat(dir.resolve("s.ovpn")).exists();
        ok("client", "revoke", "laptop", "--home", h);
        CliRunner.Run r = run("client", "export", "laptop", "--home", h, "--format", "ovpn", "--out", dir.resolve("l.ovpn").toString());
        assertThat(r.code()).isEqualTo(Cli.CONFLICT);
        assertThat(r.err()).contains("'laptop' is revoked");
        assertThat(dir.resolve("l.ovpn")).doesNotExist();
    }

    @Test
    void exportingAgainReplacesTheFileAtomicallyAndKeepsItPrivate() throws Exception {
        Path out = dir.resolve("site.ovpn");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
        ok("client", "export", "site", "--home", h, "--format", "ovpn", "--out", out.toString());
        assertThat(Files.readString(out)).startsWith("# Generated by v6broker");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
