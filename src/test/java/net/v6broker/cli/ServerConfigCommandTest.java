package net.v6broker.cli;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import net.v6broker.ca.Pem;
import net.v6broker.openvpn.OvpnConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code server config} through the real command line, and how later changes keep its directories in step. */
class ServerConfigCommandTest extends WithSeedHome {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void clients() {
        ok("client", "add", "site", "--home", h, "--type", "subnet", "--email", "ops@example.net");
        ok("client", "add", "laptop", "--home", h, "--type", "hermit");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void sharedLayoutWritesServerConfCcdFilesAndPrivateCopiesOfTheKeys() throws Exception {
        Path out = dir.resolve("srv");
        String printed = ok("server", "config", "--home", h, "--out", out.toString());
        assertThat(printed).contains("wrote shared server config to " + out + ": 2 active clients");
        assertThat(names(out)).containsExactly("ca.crt", "ccd", "crl.pem", "run", "server.conf", "server.crt",
                "server.key", "tls-crypt-v2.key", "tls-crypt.key");
        assertThat(mode(out.resolve("tls-crypt-v2.key"))).isEqualTo("rw-------");
        assertThat(Files.readString(out.resolve("tls-crypt-v2.key"))).startsWith("-----BEGIN OpenVPN tls-crypt-v2 server key-----");
        assertThat(names(out.resolve("ccd"))).containsExactly("laptop", "site");
        assertThat(mode(out.resolve("server.key"))).isEqualTo("rw-------");
        assertThat(mode(out.resolve("tls-crypt.key"))).isEqualTo("rw-------");
        assertThat(mode(out.resolve("run"))).isEqualTo("rwx------");
        assertThat(mode(out.resolve("server.conf"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(out.resolve("server.key"))).isEqualTo(Files.readString(home.resolve("server/server.key")));
        assertThat(Files.readString(out.resolve("tls-crypt.key"))).isEqualTo(Files.readString(home.resolve("server/tls-crypt.key")));
        OvpnConfig conf = OvpnConfig.parse(Files.readString(out.resolve("server.conf")));
        assertThat(conf.one("client-config-dir")).containsExactly(out.resolve("ccd").toString());
        assertThat(conf.one("ccd-exclusive")).isEmpty();
        for (String file : List.of("ca", "cert", "key", "tls-crypt-v2", "crl-verify")) {
            assertThat(Path.of(conf.one(file).get(0))).isAbsolute().exists().startsWith(out);
        }
        assertThat(conf.one("port")).containsExactly("1194");
        OvpnConfig site = OvpnConfig.parse(Files.readString(out.resolve("ccd/site")));
        assertThat(site.one("ifconfig-ipv6-push")).containsExactly("2001:638:500:f100::f101:2/64", "2001:638:500:f100::1");
        assertThat(site.one("iroute-ipv6")).containsExactly("2001:638:500:f101::/64");
        assertThat(Files.readString(out.resolve("ccd/site")) + Files.readString(out.resolve("server.conf"))).doesNotContain("ops@example.net");
        JsonNode recorded = JSON.readTree(home.resolve("server-dirs.json").toFile());
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).get("path").asText()).isEqualTo(out.toString());
        assertThat(recorded.get(0).get("layout").asText()).isEqualTo("shared");
        assertThat(ok("server", "dirs", "--home", h)).contains("shared").contains(out.toString());
    }

    @Test
    void suspendRevokeAndDeleteRemoveTheClientsFileAndResumeAndAddBringItBack() throws Exception {
        Path out = dir.resolve("srv");
        ok("server", "config", "--home", h, "--out", out.toString());
        Path site = out.resolve("ccd/site");
        String before = Files.readString(site);

        ok("client", "suspend", "site", "--home", h);
        assertThat(site).doesNotExist();
        assertThat(out.resolve("ccd/laptop")).exists();
        ok("client", "resume", "site", "--home", h);
        assertThat(site).exists();
        assertThat(Files.readString(site)).isEqualTo(before);

        ok("client", "add", "office", "--home", h, "--type", "subnet");
        assertThat(OvpnConfig.parse(Files.readString(out.resolve("ccd/office"))).one("iroute-ipv6"))
                .containsExactly("2001:638:500:f102::/64");

        String serial = JSON.readTree(ok("client", "show", "site", "--json", "--home", h)).get("serial").asText();
        ok("client", "revoke", "site", "--home", h);
        assertThat(site).doesNotExist();
        String crl = Files.readString(out.resolve("crl.pem"));
        assertThat(crl).isEqualTo(Files.readString(home.resolve("ca/crl.pem")));
        assertThat(Pem.readCrl(crl).getRevokedCertificate(new BigInteger(serial, 16))).isNotNull();

        ok("client", "delete", "laptop", "--home", h);
        assertThat(out.resolve("ccd/laptop")).doesNotExist();
        assertThat(names(out.resolve("ccd"))).containsExactly("office");
    }

    @Test
    void perClientLayoutKeepsConfUpAndUnitsInStep() throws Exception {
        Path out = dir.resolve("pc");
        ok("server", "config", "--home", h, "--layout", "per-client", "--out", out.toString());
        assertThat(names(out)).containsExactly("ca.crt", "crl.pem", "laptop.conf", "laptop.up", "server.crt", "server.key",
                "site.conf", "site.up", "tls-crypt-v2.key", "tls-crypt.key", "units.txt",
                "v6broker-openvpn@.service");
        assertThat(mode(out.resolve("site.up"))).isEqualTo("rwxr-xr-x");
        long id = JSON.readTree(run("client", "list", "--json", "--home", h).out()).size(); // ids start at 1: site=1, laptop=2
        assertThat(id).isEqualTo(2);
        OvpnConfig site = OvpnConfig.parse(Files.readString(out.resolve("site.conf")));
        assertThat(site.one("port")).containsExactly("5001");
        assertThat(site.one("up")).containsExactly(out.resolve("site.up").toString());
        assertThat(site.one("verify-x509-name")).containsExactly("site", "name");
        assertThat(Files.readString(out.resolve("site.up"))).contains("ip -6 addr add 2001:638:500:f100::f101:1/112 dev \"$1\"\n",
                "ip -6 addr add fe80::f101:1/64 dev \"$1\"\n");
        assertThat(Files.readAllLines(out.resolve("units.txt"))).containsExactly("v6broker-openvpn@laptop.service",
                "v6broker-openvpn@site.service");

        ok("client", "suspend", "site", "--home", h);
        assertThat(out.resolve("site.conf")).doesNotExist();
        assertThat(out.resolve("site.up")).doesNotExist();
        assertThat(Files.readAllLines(out.resolve("units.txt"))).containsExactly("v6broker-openvpn@laptop.service");
        ok("client", "resume", "site", "--home", h);
        assertThat(OvpnConfig.parse(Files.readString(out.resolve("site.conf"))).one("port")).containsExactly("5001");
        assertThat(Files.readAllLines(out.resolve("units.txt"))).contains("v6broker-openvpn@site.service");
        ok("client", "revoke", "laptop", "--home", h);
        assertThat(out.resolve("laptop.conf")).doesNotExist();
        assertThat(Files.readString(out.resolve("crl.pem"))).isEqualTo(Files.readString(home.resolve("ca/crl.pem")));
    }

    @Test
    void bothLayoutsRecordedAtOnceAreBothKeptInStep() throws Exception {
        Path shared = dir.resolve("a");
        Path perClient = dir.resolve("b");
        ok("server", "config", "--home", h, "--out", shared.toString());
        ok("server", "config", "--home", h, "--out", perClient.toString(), "--layout", "per-client");
        ok("client", "suspend", "laptop", "--home", h);
        assertThat(shared.resolve("ccd/laptop")).doesNotExist();
        assertThat(perClient.resolve("laptop.conf")).doesNotExist();
        ok("server", "forget", perClient.toString(), "--home", h);
        ok("client", "resume", "laptop", "--home", h);
        assertThat(shared.resolve("ccd/laptop")).exists();
        assertThat(perClient.resolve("laptop.conf")).doesNotExist();
    }

    @Test
    void renderingAgainRemovesStaleFilesItWroteButLeavesOtherFilesAlone() throws Exception {
        Path out = dir.resolve("srv");
        ok("server", "config", "--home", h, "--out", out.toString());
        ok("server", "forget", out.toString(), "--home", h);
        ok("client", "suspend", "site", "--home", h); // not kept in step: the file stays until the next render
        assertThat(out.resolve("ccd/site")).exists();
        Files.writeString(out.resolve("ccd/mine"), "ifconfig-ipv6-push 2001:db8::5/64 2001:db8::1\n");
        String printed = ok("server", "config", "--home", h, "--out", out.toString());
        assertThat(printed).contains("1 active client, 1 stale file(s) removed");
        assertThat(names(out.resolve("ccd"))).containsExactly("laptop", "mine");
    }

    @Test
    void aDirectoryRenderedWithOneLayoutRefusesTheOther() {
        Path out = dir.resolve("srv");
        ok("server", "config", "--home", h, "--out", out.toString());
        CliRunner.Run r = run("server", "config", "--home", h, "--out", out.toString(), "--layout", "per-client");
        assertThat(r.code()).isEqualTo(Cli.CONFLICT);
        assertThat(r.err()).contains("holds the shared layout");
        assertThat(out.resolve("units.txt")).doesNotExist();
    }

    @Test
    void anUnknownLayoutIsRefusedAndNothingIsWritten() {
        Path out = dir.resolve("srv");
        CliRunner.Run r = run("server", "config", "--home", h, "--out", out.toString(), "--layout", "p2p");
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("accepted shared, per-client");
        assertThat(out).doesNotExist();
        assertThat(home.resolve("server-dirs.json")).doesNotExist();
    }

    @Test
    void aDirectoryWithABlankIsRefusedAndNothingIsWritten() {
        Path out = dir.resolve("my server");
        CliRunner.Run r = run("server", "config", "--home", h, "--out", out.toString());
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("refusing to render server directory");
        assertThat(out).doesNotExist();
    }

    @Test
    void aPerClientPortAbove65535IsRefusedBeforeAnythingIsWritten() throws Exception {
        Path config = home.resolve("config.json");
        JsonNode tree = JSON.readTree(config.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).putObject("openvpn").put("portBase", 65534);
        Files.writeString(config, JSON.writeValueAsString(tree));
        Path out = dir.resolve("pc");
        CliRunner.Run r = run("server", "config", "--home", h, "--out", out.toString(), "--layout", "per-client");
        assertThat(r.code()).isEqualTo(Cli.EXHAUSTED);
        assertThat(r.err()).contains("would listen on UDP port 65536");
        assertThat(out).doesNotExist();
    }

    @Test
    void theConfigsOpenvpnSectionTakesDefaultsAndRefusesBadValues() throws Exception {
        Path config = home.resolve("config.json");
        JsonNode written = JSON.readTree(config.toFile());
        assertThat(written.get("openvpn").get("route").asText()).isEqualTo("default");
        assertThat(written.get("openvpn").get("portBase").asInt()).isEqualTo(5000);
        assertThat(written.get("openvpn").get("lanInterface").asText()).isEqualTo("eth0");
        ((com.fasterxml.jackson.databind.node.ObjectNode) written).putObject("openvpn").put("route", "::/0");
        Files.writeString(config, JSON.writeValueAsString(written));
        CliRunner.Run r = run("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("openvpn.route '::/0' is invalid: accepted default, 2000::/3");
        ((com.fasterxml.jackson.databind.node.ObjectNode) written).putObject("openvpn").put("route", "2000::/3");
        Files.writeString(config, JSON.writeValueAsString(written));
        ok("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(OvpnConfig.parse(Files.readString(dir.resolve("x/server.conf"))).pushed()).contains("route-ipv6 2000::/3");
        assertThat(dir.resolve("x/server-tcp.conf")).as("no TCP instance unless asked").doesNotExist();
    }

    @Test
    void aTcpPortAndTheVerifySwitchAreCheckedAndTheTcpInstanceComesAndGoesWithIt() throws Exception {
        Path config = home.resolve("config.json");
        JsonNode written = JSON.readTree(config.toFile());
        assertThat(written.get("openvpn").get("tcpPort").asInt()).isZero();
        assertThat(written.get("openvpn").get("verifyRevokedKeys").asBoolean()).isFalse();
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) written.get("openvpn");
        o.put("tcpPort", 70000);
        Files.writeString(config, JSON.writeValueAsString(written));
        CliRunner.Run r = run("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("openvpn.tcpPort");
        o.put("tcpPort", 443);
        o.put("verifyRevokedKeys", "yes");
        Files.writeString(config, JSON.writeValueAsString(written));
        r = run("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(r.err()).contains("'openvpn.verifyRevokedKeys' must be true or false, got a string");
        o.put("verifyRevokedKeys", false);
        Files.writeString(config, JSON.writeValueAsString(written));
        ok("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(dir.resolve("x/server-tcp.conf")).exists();
        assertThat(dir.resolve("x/listener-routes.sh")).isExecutable();
        assertThat(dir.resolve("x/run/listener-routes")).isDirectory();
        o.put("tcpPort", 0);
        Files.writeString(config, JSON.writeValueAsString(written));
        ok("server", "config", "--home", h, "--out", dir.resolve("x").toString());
        assertThat(dir.resolve("x/server-tcp.conf")).as("gone with the setting").doesNotExist();
        assertThat(dir.resolve("x/listener-routes.sh")).doesNotExist();
    }
}
