package net.v6broker.openvpn;

import net.v6broker.Processes;
import net.v6broker.error.InvalidInputException;

import static net.v6broker.openvpn.Fixtures.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.v6broker.broker.Client;
import net.v6broker.ca.Pem;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2025-06-01T12:00:00Z");
    private static final Set<String> COMPRESSION = Set.of("comp-lzo", "compress", "comp-noadapt");

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (ClientKind type : ClientKind.values()) {
                for (ClientOs os : ClientOs.values()) {
                    if (os.router()) {
                        continue; // their archives differ: routerArchives...
                    }
                    for (Format format : Format.values()) {
                        all.add(Arguments.of(layout, type, os, format));
                    }
                }
            }
        }
        return all.stream();
    }

    private static Client client(ClientKind type, ClientOs os, ClientStatus status) {
        return type == ClientKind.HERMIT ? Fixtures.hermit("laptop", 8, os, status) : Fixtures.subnet("christian.strauf", 7, os, status);
    }

    private static byte[] render(Client c, Format format, Layout layout, String lan) {
        return ClientExport.render(site(), c, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT, new ExportRequest(format, layout, lan), TIME);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("variants")
    void everyVariantParsesBackWithTheClientsAddressesAndKeys(Layout layout, ClientKind type, ClientOs os, Format format) throws Exception {
        Client c = client(type, os, ClientStatus.ACTIVE);
        byte[] bytes = render(c, format, layout, null);
        boolean subnet = type == ClientKind.SUBNET;
        String upName = os == ClientOs.WINDOWS ? "up.cmd" : "up.sh";
        String profile;
        Unpacked archive = null;
        if (format == Format.OVPN) {
            profile = new String(bytes, StandardCharsets.UTF_8);
        } else {
            archive = format == Format.TAR_GZ ? Unpacked.tarGz(bytes) : Unpacked.zip(bytes);
            String top = c.name() + "/";
            List<String> expected = new ArrayList<>(List.of(top, top + c.name() + ".ovpn", top + "README.txt", top + "manifest.json",
                    top + "sanity-check.sh"));
            if (subnet) {
                expected.add(top + upName);
            }
            assertThat(archive.content().keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(archive.permissions(top + c.name() + ".ovpn")).isEqualTo(0600);
            assertThat(archive.permissions(top + "sanity-check.sh")).isEqualTo(0755);
            assertThat(archive.permissions(top + "README.txt")).isEqualTo(0644);
            assertThat(archive.permissions(top + "manifest.json")).isEqualTo(0644);
            assertThat(archive.modes().get(top + "README.txt") & 0170000).isEqualTo(0100000);
            if (subnet) {
                assertThat(archive.permissions(top + upName)).isEqualTo(0755);
            }
            if (format == Format.ZIP) {
                assertThat(Unpacked.zipWithJdk(bytes).keySet()).containsExactlyInAnyOrderElementsOf(expected);
            }
            profile = archive.text(top + c.name() + ".ovpn");
        }

        OvpnConfig p = OvpnConfig.parse(profile);
        assertThat(p.one("dev")).containsExactly("tun");
        assertThat(p.one("proto")).containsExactly("udp");
        assertThat(p.one("nobind")).isEmpty();
        assertThat(p.one("remote-cert-tls")).containsExactly("server");
        assertThat(p.one("verify-x509-name")).containsExactly("server", "name");
        assertThat(p.one("data-ciphers")).containsExactly("AES-256-GCM:CHACHA20-POLY1305");
        assertThat(p.one("persist-key")).isEmpty();
        assertThat(p.one("verb")).containsExactly("3");
        assertThat(p.names()).doesNotContainAnyElementsOf(COMPRESSION).doesNotContain("data-ciphers-fallback", "auth-user-pass");
        if (layout == Layout.SHARED) {
            assertThat(p.one("client")).isEmpty();
            assertThat(p.one("remote")).containsExactly("vpn.example.net", "1194");
            assertThat(p.one("explicit-exit-notify")).containsExactly("1");
            assertThat(p.one("connect-retry")).containsExactly("1", "10");
            assertThat(p.names()).doesNotContain("ifconfig-ipv6", "tls-client", "route-ipv6", "redirect-gateway");
        } else {
            assertThat(p.names()).doesNotContain("client", "pull");
            assertThat(p.one("tls-client")).isEmpty();
            assertThat(p.one("remote")).containsExactly("vpn.example.net", String.valueOf(5000 + c.id()));
            assertThat(p.one("ifconfig-ipv6")).containsExactlyElementsOf(subnet
                    ? List.of("2001:638:500:f100::f101:2/112", "2001:638:500:f100::f101:1")
                    : List.of("2001:638:500:f1ff::100/64", "fe80::1"));
            assertThat(p.one("redirect-gateway")).containsExactly("ipv6", "!ipv4");
        }
        boolean withUp = format != Format.OVPN && subnet;
        assertThat(p.has("script-security")).isEqualTo(withUp);
        if (withUp) {
            assertThat(p.one("script-security")).containsExactly("2");
            assertThat(p.one("up")).containsExactly(upName);
        } else {
            assertThat(p.names()).doesNotContain("up");
        }

        assertThat(p.blocks().keySet()).containsExactlyInAnyOrder("ca", "cert", "key", "tls-crypt");
        assertThat(Pem.readCertificate(p.blocks().get("ca"))).isEqualTo(Fixtures.CA.certificate());
        X509Certificate cert = Pem.readCertificate(p.blocks().get("cert"));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + c.name());
        assertThat(Pem.readPrivateKey(p.blocks().get("key")).getAlgorithm()).isEqualTo(cert.getPublicKey().getAlgorithm());
        List<String> tls = p.blocks().get("tls-crypt").lines().toList();
        assertThat(tls.get(0)).isEqualTo("-----BEGIN OpenVPN Static key V1-----");
        assertThat(tls.get(tls.size() - 1)).isEqualTo("-----END OpenVPN Static key V1-----");
        assertThat(tls.subList(1, tls.size() - 1)).hasSize(16).allMatch(l -> l.matches("[0-9a-f]{32}"));
        assertThat(profile).doesNotContain(c.email());

        if (archive != null) {
            checkManifest(archive.text(c.name() + "/manifest.json"), c, layout);
            assertThat(archive.text(c.name() + "/README.txt")).contains(c.email()).contains(c.assignment().prefix().address());
            String sanity = archive.text(c.name() + "/sanity-check.sh");
            assertThat(sanity).startsWith("#!/bin/sh\n").doesNotContain(c.email());
            Processes.assertShellSyntax(sanity);
            if (subnet) {
                checkUpScript(archive.text(c.name() + "/" + upName), os);
            }
        }
    }

    private static void checkManifest(String json, Client c, Layout layout) throws Exception {
        JsonNode m = JSON.readTree(json);
        boolean subnet = c.type() == ClientKind.SUBNET;
        assertThat(m.get("name").asText()).isEqualTo(c.name());
        assertThat(m.get("type").asText()).isEqualTo(subnet ? "subnet" : "hermit");
        assertThat(m.get("layout").asText()).isEqualTo(layout.cliName());
        assertThat(m.get("server").get("host").asText()).isEqualTo("vpn.example.net");
        assertThat(m.get("server").get("port").asInt()).isEqualTo(layout == Layout.SHARED ? 1194 : 5000 + (int) c.id());
        assertThat(m.get("server").get("proto").asText()).isEqualTo("udp");
        assertThat(m.get("prefix").asText()).isEqualTo(subnet ? "2001:638:500:f101::/64" : "2001:638:500:f1ff::100/128");
        String tunnel = switch (layout) {
            case SHARED -> subnet ? "2001:638:500:f100::f101:2/64" : "2001:638:500:f1ff::100/64";
            case PER_CLIENT -> subnet ? "2001:638:500:f100::f101:2/112" : "2001:638:500:f1ff::100/64";
        };
        assertThat(m.get("tunnelAddress").asText()).isEqualTo(tunnel);
        String server = layout == Layout.SHARED ? "2001:638:500:f100::1" : subnet ? "2001:638:500:f100::f101:1" : "fe80::1";
        assertThat(m.get("serverAddress").asText()).isEqualTo(server);
        List<String> routes = new ArrayList<>();
        m.get("routes").forEach(r -> routes.add(r.asText()));
        assertThat(routes).containsExactly("::/3", "2000::/4", "3000::/4", "fc00::/7");
        if (subnet) {
            assertThat(m.get("lanAddress").asText()).isEqualTo("2001:638:500:f101::1/64");
            assertThat(m.get("lanInterface").asText()).isEqualTo(switch (c.os()) {
                case LINUX, ROUTER -> "eth0";
                case MACOS -> "en0";
                case WINDOWS -> "Ethernet";
                case OPENWRT -> "br-lan";
            });
        } else {
            assertThat(m.has("lanAddress")).isFalse();
            assertThat(m.has("lanInterface")).isFalse();
        }
        String fp = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Fixtures.CA.certificate().getEncoded()));
        assertThat(m.get("caFingerprint").asText()).isEqualTo(fp).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(Instant.parse(m.get("notAfter").asText())).isEqualTo(Fixtures.NOT_AFTER);
        assertThat(m.has("email")).isFalse();
    }

    private static void checkUpScript(String up, ClientOs os) throws Exception {
        switch (os) {
            case LINUX -> {
                assertThat(ServerConfigsTest.commands(up)).containsExactly(
                        "sysctl -w net.ipv6.conf.all.forwarding=1",
                        "ip -6 addr show dev eth0 | grep -q 'inet6 2001:638:500:f101::1/64 ' || ip -6 addr add 2001:638:500:f101::1/64 dev eth0",
                        "exit 0");
                Processes.assertShellSyntax(up);
            }
            case MACOS -> {
                assertThat(ServerConfigsTest.commands(up)).contains("sysctl -w net.inet6.ip6.forwarding=1")
                        .anyMatch(l -> l.endsWith("ifconfig en0 inet6 2001:638:500:f101::1 prefixlen 64 alias"));
                Processes.assertShellSyntax(up);
            }
            case WINDOWS -> {
                assertThat(up).contains("\r\n").doesNotContainPattern("[^\r]\n");
                assertThat(up.lines()).contains(
                        "netsh interface ipv6 set interface \"Ethernet\" forwarding=enabled advertise=enabled",
                        "netsh interface ipv6 set interface \"%~1\" forwarding=enabled")
                        .anyMatch(l -> l.endsWith("netsh interface ipv6 add address \"Ethernet\" 2001:638:500:f101::1/64"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "per-client"})
    void anOpenwrtArchiveHoldsUciThatGivesTheTunnelItsAddressesAndTheLanAPrefix(String layoutName) throws Exception {
        Layout layout = Layout.parse(layoutName);
        Client c = Fixtures.subnet("gw", 7, ClientOs.OPENWRT, ClientStatus.ACTIVE);
        Unpacked archive = Unpacked.tarGz(render(c, Format.TAR_GZ, layout, null));
        assertThat(archive.content().keySet()).containsExactlyInAnyOrder("gw/", "gw/gw.ovpn", "gw/openvpn.uci", "gw/network.uci", "gw/firewall.uci",
                "gw/README.txt", "gw/manifest.json", "gw/sanity-check.sh");
        JsonNode m = JSON.readTree(archive.text("gw/manifest.json"));
        OvpnConfig p = OvpnConfig.parse(archive.text("gw/gw.ovpn"));
        assertThat(p.one("dev")).containsExactly("v6b0");
        assertThat(p.one("dev-type")).containsExactly("tun");
        assertThat(p.one("ifconfig-noexec")).isEmpty();
        assertThat(p.one("route-noexec")).isEmpty();
        assertThat(p.names()).as("netifd sets the LAN up: no script").doesNotContain("up", "script-security");

        UciBatch network = UciBatch.parse(archive.text("gw/network.uci"), List.of("network.lan"));
        assertThat(network.sections).containsEntry("network.v6broker", "interface");
        assertThat(network.one("network.v6broker.proto")).isEqualTo("static");
        assertThat(network.one("network.v6broker.device")).isEqualTo(p.one("dev").get(0));
        assertThat(network.one("network.v6broker.ip6addr")).isEqualTo(m.get("tunnelAddress").asText());
        assertThat(network.one("network.v6broker.ip6gw")).isEqualTo(m.get("serverAddress").asText());
        assertThat(network.one("network.v6broker.ip6prefix")).isEqualTo(m.get("prefix").asText()).isEqualTo("2001:638:500:f101::/64");
        assertThat(network.one("network.lan.ip6assign")).isEqualTo("64");
        assertThat(network.one("network.lan.ip6hint")).isEqualTo("0");

        UciBatch firewall = UciBatch.parse(archive.text("gw/firewall.uci"), List.of());
        assertThat(firewall.ofType("firewall", "zone")).containsExactly("firewall.v6broker");
        assertThat(firewall.one("firewall.v6broker.name")).isEqualTo("v6broker");
        assertThat(firewall.list("firewall.v6broker.network")).containsExactly("v6broker").as("the interface of network.uci")
                .allMatch(n -> network.sections.containsKey("network." + n));
        assertThat(firewall.one("firewall.v6broker.input")).isEqualTo("REJECT");
        assertThat(firewall.one("firewall.v6broker.forward")).isEqualTo("REJECT");
        List<String> forwardings = firewall.ofType("firewall", "forwarding");
        assertThat(forwardings).hasSize(1);
        assertThat(firewall.one(forwardings.get(0) + ".src")).isEqualTo("lan");
        assertThat(firewall.one(forwardings.get(0) + ".dest")).isEqualTo("v6broker");
        for (String rule : firewall.ofType("firewall", "rule")) {
            assertThat(firewall.one(rule + ".src")).isEqualTo("v6broker");
            assertThat(firewall.one(rule + ".family")).isEqualTo("ipv6");
            assertThat(firewall.list(rule + ".icmp_type")).contains("packet-too-big", "echo-request");
            assertThat(firewall.one(rule + ".target")).isEqualTo("ACCEPT");
        }
        assertThat(firewall.ofType("firewall", "rule")).hasSize(2);

        UciBatch openvpn = UciBatch.parse(archive.text("gw/openvpn.uci"), List.of());
        assertThat(openvpn.sections).containsEntry("openvpn.v6broker", "openvpn");
        assertThat(openvpn.one("openvpn.v6broker.config")).isEqualTo("/etc/openvpn/gw.ovpn");
        assertThat(openvpn.one("openvpn.v6broker.enabled")).isEqualTo("1");
        assertThat(archive.text("gw/README.txt")).contains("uci batch < $f.uci", "/etc/openvpn/gw.ovpn", "odhcpd");
    }

    @Test
    void aLinuxRouterArchiveAddsARadvdConfForTheLan() throws Exception {
        Client c = Fixtures.subnet("gw", 7, ClientOs.ROUTER, ClientStatus.ACTIVE);
        Unpacked archive = Unpacked.tarGz(render(c, Format.TAR_GZ, Layout.SHARED, "lan0"));
        assertThat(archive.content().keySet()).contains("gw/up.sh", "gw/radvd.conf");
        String radvd = archive.text("gw/radvd.conf");
        assertThat(radvd).contains("interface lan0 {", "prefix 2001:638:500:f101::/64 {", "AdvSendAdvert on;");
        checkUpScript(archive.text("gw/up.sh").replace("lan0", "eth0"), ClientOs.LINUX);
    }

    @Test
    void aRouterOsIsRefusedForAHermit() {
        for (ClientOs os : List.of(ClientOs.OPENWRT, ClientOs.ROUTER)) {
            assertThatThrownBy(() -> new net.v6broker.broker.NewClient("lap", ClientKind.HERMIT, 128, os, null, null))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("os " + os.cliName() + " is a router's, for a subnet client");
            assertThatThrownBy(() -> render(Fixtures.hermit("lap", 8, os, ClientStatus.ACTIVE), Format.TAR_GZ, Layout.SHARED, null))
                    .isInstanceOf(ExportRefusedException.class).hasMessageContaining("is a hermit");
        }
    }

    private static String profile(Site site, Client c, ExportRequest r) {
        return new String(ClientExport.render(site, c, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT, r, TIME), StandardCharsets.UTF_8);
    }

    @Test
    void noTlsCryptIsRefusedUnlessTheBrokerRunsThatInstanceAndThenHasNoKeyAndItsPort() {
        Client c = Fixtures.hermit("mt", 9, ClientOs.LINUX, ClientStatus.ACTIVE);
        ExportRequest compat = ExportRequest.parse("ovpn", "shared", null, "no-tls-crypt", null);
        assertThatThrownBy(() -> profile(Fixtures.siteWithTcp(), c, compat)).isInstanceOf(ExportRefusedException.class)
                .hasMessageContaining("set openvpn.compatPort").hasMessageContaining("anyone who reaches that port can start a TLS handshake");
        assertThatThrownBy(() -> profile(Fixtures.siteWith(false, 0, 1195), c, ExportRequest.parse("ovpn", "per-client", null,
                "no-tls-crypt", null))).isInstanceOf(ExportRefusedException.class).hasMessageContaining("shared layout");
        assertThatThrownBy(() -> ExportRequest.parse("ovpn", "shared", null, "no-tls", null))
                .isInstanceOf(InvalidInputException.class).hasMessage("unknown --compat 'no-tls': accepted no-tls-crypt");
        OvpnConfig p = OvpnConfig.parse(profile(Fixtures.siteWith(false, 443, 1195), c, compat));
        assertThat(p.blocks().keySet()).containsExactlyInAnyOrder("ca", "cert", "key");
        assertThat(p.connections()).as("one server address, no TCP fallback (its instance has tls-crypt)").isEmpty();
        assertThat(p.one("remote")).containsExactly("vpn.example.net", "1195");
        assertThat(p.one("proto")).containsExactly("udp");
    }

    @Test
    void forAnAppTheTableRefusesWhatItLacksAndTakesTheRest() {
        Client hermit = Fixtures.hermit("mt", 9, ClientOs.LINUX, ClientStatus.ACTIVE);
        Client subnet = Fixtures.subnet("gw", 7, ClientOs.LINUX, ClientStatus.ACTIVE);
        Site site = Fixtures.siteWith(false, 443, 1195);
        assertThatThrownBy(() -> profile(site, hermit, ExportRequest.parse("ovpn", "shared", null, null, "passepartout")))
                .isInstanceOf(ExportRefusedException.class)
                .hasMessage("Passepartout (iOS, macOS) cannot use this profile: it lacks tls-crypt-v2 (export with --compat "
                        + "no-tls-crypt, which needs openvpn.compatPort) (docs/compatibility.md)");
        assertThat(profile(site, hermit, ExportRequest.parse("ovpn", "shared", null, "no-tls-crypt", "passepartout")))
                .doesNotContain("<tls-crypt");
        assertThatThrownBy(() -> profile(site, hermit, ExportRequest.parse("ovpn", "shared", null, null, "mikrotik")))
                .hasMessageContaining("tls-crypt-v2").hasMessageContaining("<connection> blocks");
        assertThatThrownBy(() -> profile(site, hermit, ExportRequest.parse("ovpn", "shared", null, "no-tls-crypt", "openvpn2.4")))
                .hasMessageContaining("IPv6-only tunnel");
        byte[] archive = ClientExport.render(site, subnet, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT,
                ExportRequest.parse("ovpn", "shared", null, null, "android"), TIME);
        assertThat(archive).isNotEmpty();
        assertThatThrownBy(() -> ClientExport.render(site, subnet, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT,
                ExportRequest.parse("tar.gz", "shared", null, null, "android"), TIME))
                .hasMessageContaining("up script (export --format ovpn");
        for (String app : List.of("openvpn2.5", "openvpn2.6", "openvpn2.7", "openwrt")) {
            assertThat(profile(site, hermit, ExportRequest.parse("ovpn", "shared", null, null, app))).contains("<tls-crypt");
        }
        assertThatThrownBy(() -> ExportRequest.parse("ovpn", "shared", null, null, "tunnelblick"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("accepted openvpn2.4, openvpn2.5");
    }

    @Test
    void docsCompatibilityMdIsTheTableTheGeneratorChecks() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/compatibility.md"));
        assertThat(doc).contains(ClientApp.markdownTable());
    }

    @Test
    void withATcpInstanceASharedProfileTriesUdpFirstThenTcpQuickly() throws Exception {
        Client c = Fixtures.hermit("lap", 7, ClientOs.LINUX, ClientStatus.ACTIVE);
        String profile = new String(ClientExport.render(Fixtures.siteWithTcp(), c, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT,
                new ExportRequest(Format.OVPN, Layout.SHARED, null), TIME), java.nio.charset.StandardCharsets.UTF_8);
        OvpnConfig p = OvpnConfig.parse(profile);
        assertThat(p.names()).as("every remote is in a connection").doesNotContain("remote", "proto", "remote-random");
        assertThat(p.connections()).hasSize(2);
        OvpnConfig udp = p.connections().get(0);
        OvpnConfig tcp = p.connections().get(1);
        assertThat(udp.one("remote")).containsExactly("vpn.example.net", "1194", "udp");
        assertThat(udp.one("connect-timeout")).containsExactly("5");
        assertThat(udp.one("explicit-exit-notify")).containsExactly("1");
        assertThat(tcp.one("remote")).containsExactly("vpn.example.net", "443", "tcp-client");
        assertThat(tcp.names()).doesNotContain("explicit-exit-notify");
        assertThat(p.one("connect-retry")).containsExactly("1", "10");
    }

    @Test
    void theLanInterfaceAskedForReachesTheUpScriptTheSanityCheckAndTheManifest() throws Exception {
        Unpacked a = Unpacked.tarGz(render(client(ClientKind.SUBNET, ClientOs.LINUX, ClientStatus.ACTIVE), Format.TAR_GZ, Layout.SHARED, "enp3s0"));
        String top = "christian.strauf/";
        assertThat(a.text(top + "up.sh")).contains("ip -6 addr add 2001:638:500:f101::1/64 dev enp3s0").doesNotContain("eth0");
        assertThat(a.text(top + "sanity-check.sh")).contains("LAN_INTERFACE='enp3s0'");
        assertThat(JSON.readTree(a.text(top + "manifest.json")).get("lanInterface").asText()).isEqualTo("enp3s0");
    }

    @Test
    void routeSlash3IsTheOnlyRouteOfAPerClientProfileAndTheManifest() throws Exception {
        Client c = client(ClientKind.HERMIT, ClientOs.LINUX, ClientStatus.ACTIVE);
        byte[] tgz = ClientExport.render(site("2000::/3"), c, Fixtures.CA.certificatePem(), Fixtures.TLS_CRYPT,
                new ExportRequest(Format.TAR_GZ, Layout.PER_CLIENT, null), TIME);
        Unpacked a = Unpacked.tarGz(tgz);
        OvpnConfig p = OvpnConfig.parse(a.text("laptop/laptop.ovpn"));
        assertThat(p.one("route-ipv6")).containsExactly("2000::/3");
        assertThat(p.names()).doesNotContain("redirect-gateway");
        assertThat(JSON.readTree(a.text("laptop/manifest.json")).get("routes").toString()).isEqualTo("[\"2000::/3\"]");
    }

    @Test
    void aRevokedClientIsRefusedAndASuspendedOneExported() {
        assertThatThrownBy(() -> render(client(ClientKind.SUBNET, ClientOs.LINUX, ClientStatus.REVOKED), Format.OVPN, Layout.SHARED, null))
                .isInstanceOf(ExportRefusedException.class).hasMessageContaining("'christian.strauf' is revoked");
        assertThat(render(client(ClientKind.SUBNET, ClientOs.LINUX, ClientStatus.SUSPENDED), Format.OVPN, Layout.SHARED, null)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0;reboot", "eth0 eth1", "", "a-very-long-interface-name", "eth0\n", "$(id)", "eth0'"})
    void aBadLanInterfaceIsRefusedWithTheAcceptedForm(String lan) {
        assertThatThrownBy(() -> new ExportRequest(Format.TAR_GZ, Layout.SHARED, lan)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("accepted 1..15 letters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nredirect-gateway def1", "x\"y", "a b", "$(reboot)", "a'b"})
    void aClientNameThatCouldEscapeItsLineNeverReachesAProfile(String name) {
        Client c = Fixtures.client(name, 3, ClientKind.SUBNET, 2, ClientOs.LINUX, ClientStatus.ACTIVE);
        for (Format f : Format.values()) {
            assertThatThrownBy(() -> render(c, f, Layout.SHARED, null)).isInstanceOf(UnsafeValueException.class)
                    .hasMessageContaining("client name");
        }
    }

    @Test
    void aPemWithAnAngleBracketCannotCloseItsInlineBlock() {
        Client c = client(ClientKind.SUBNET, ClientOs.LINUX, ClientStatus.ACTIVE);
        assertThatThrownBy(() -> ClientExport.render(site(), c, Fixtures.CA.certificatePem() + "</ca>\nup /tmp/x\n<ca>\n",
                Fixtures.TLS_CRYPT, new ExportRequest(Format.OVPN, Layout.SHARED, null), TIME)).isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void formatsAndLayoutsAreParsedStrictly() {
        assertThat(Format.parse("tar.gz")).isEqualTo(Format.TAR_GZ);
        assertThat(Layout.parse("per-client")).isEqualTo(Layout.PER_CLIENT);
        assertThatThrownBy(() -> Format.parse("tgz")).hasMessageContaining("accepted ovpn, tar.gz, zip");
        assertThatThrownBy(() -> Format.parse("OVPN")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Layout.parse("p2p")).hasMessageContaining("accepted shared, per-client");
    }
}
