package net.v6broker.openvpn;

import net.v6broker.Processes;
import static net.v6broker.openvpn.Fixtures.hermit;
import static net.v6broker.openvpn.Fixtures.site;
import static net.v6broker.openvpn.Fixtures.subnet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.v6broker.broker.Client;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Assignment;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerConfigsTest {
    private static final Path DIR = Path.of("/etc/v6broker/server");
    private static final Set<String> COMPRESSION = Set.of("comp-lzo", "compress", "comp-noadapt", "push-peer-info-compress");

    @Test
    void sharedServerConfHasTheDecidedDirectivesWithAbsolutePathsIntoTheDirectory() {
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.shared(site(), DIR));
        assertThat(c.one("mode")).containsExactly("server");
        assertThat(c.one("tls-server")).isEmpty();
        assertThat(c.one("proto")).containsExactly("udp6");
        assertThat(c.one("port")).containsExactly("1194");
        assertThat(c.one("dev")).containsExactly("tun");
        assertThat(c.one("topology")).containsExactly("subnet");
        assertThat(c.one("ifconfig-ipv6")).containsExactly("2001:638:500:f100::1/64", "2001:638:500:f100::2");
        assertThat(c.one("ifconfig-ipv6-pool")).hasSize(1);
        assertThat(Ipv6Prefix.parse(c.one("ifconfig-ipv6-pool").get(0))).isEqualTo(Ipv6Prefix.parse("2001:638:500:f100:ffff:ffff:ffff:0/112"));
        assertThat(c.all("route-ipv6")).containsExactly(List.of("2001:638:500:f100::/56"), List.of("2001:638:500:f1ff::/64"));
        assertThat(c.one("client-config-dir")).containsExactly("/etc/v6broker/server/ccd");
        assertThat(c.one("ccd-exclusive")).isEmpty();
        assertThat(c.one("ca")).containsExactly("/etc/v6broker/server/ca.crt");
        assertThat(c.one("cert")).containsExactly("/etc/v6broker/server/server.crt");
        assertThat(c.one("key")).containsExactly("/etc/v6broker/server/server.key");
        assertThat(c.one("dh")).containsExactly("none");
        assertThat(c.one("tls-crypt-v2")).containsExactly("/etc/v6broker/server/tls-crypt-v2.key");
        assertThat(c.all("tls-crypt")).as("a new home's servers take no v1 profile").isEmpty();
        assertThat(c.one("crl-verify")).containsExactly("/etc/v6broker/server/crl.pem");
        assertThat(c.one("remote-cert-tls")).containsExactly("client");
        assertThat(c.one("data-ciphers")).containsExactly("AES-256-GCM:CHACHA20-POLY1305");
        assertThat(c.one("allow-compression")).containsExactly("no");
        assertThat(c.one("keepalive")).containsExactly("10", "60");
        assertThat(c.one("sndbuf")).containsExactly("4194304");
        assertThat(c.one("rcvbuf")).containsExactly("4194304");
        assertThat(c.one("explicit-exit-notify")).containsExactly("1");
        assertThat(c.one("connect-freq-initial")).containsExactly("1024", "10");
        assertThat(c.one("management")).containsExactly("/etc/v6broker/server/run/management.sock", "unix");
        assertThat(c.one("persist-key")).isEmpty();
        assertThat(c.one("status")).containsExactly("/etc/v6broker/server/run/status.txt", "10");
        assertThat(c.one("verb")).containsExactly("3");
        assertThat(c.pushed()).containsExactlyInAnyOrder("redirect-gateway ipv6 !ipv4", "sndbuf 4194304", "rcvbuf 4194304");
        assertThat(c.names()).doesNotContain("data-ciphers-fallback", "server", "server-ipv6", "client-to-client")
                .doesNotContainAnyElementsOf(COMPRESSION);
        assertThat(c.blocks()).isEmpty();
        for (OvpnConfig.Directive d : c.directives()) {
            for (String a : d.args()) {
                if (a.startsWith("/")) {
                    assertThat(Path.of(a).startsWith(DIR)).as(d.toString()).isTrue();
                }
            }
        }
    }

    @Test
    void theTcpInstanceServesTheSameClientsOnTcpWithItsOwnSocketsAndRoutesFromItsHook() throws Exception {
        OvpnConfig udp = OvpnConfig.parse(ServerConfigs.shared(site(), DIR));
        assertThat(ServerConfigs.shared(Fixtures.siteWithTcp(), DIR)).as("the UDP instance does not change")
                .isEqualTo(ServerConfigs.shared(site(), DIR));
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.beside(Fixtures.siteWithTcp(), DIR, Listener.TCP));
        assertThat(c.one("proto")).containsExactly("tcp6-server");
        assertThat(c.one("port")).containsExactly("443");
        assertThat(c.one("ifconfig-ipv6")).isEqualTo(udp.one("ifconfig-ipv6"));
        assertThat(c.one("ifconfig-noexec")).isEmpty();
        assertThat(c.all("route-ipv6")).as("no aggregate route: the UDP instance's tun has them").isEmpty();
        for (String same : List.of("client-config-dir", "ccd-exclusive", "ca", "cert", "key", "tls-crypt-v2", "crl-verify",
                "remote-cert-tls", "data-ciphers", "keepalive", "ifconfig-ipv6-pool")) {
            assertThat(c.one(same)).as(same).isEqualTo(udp.one(same));
        }
        assertThat(c.pushed()).isEqualTo(udp.pushed());
        String hook = "/etc/v6broker/server/listener-routes.sh";
        assertThat(c.one("script-security")).containsExactly("2");
        assertThat(c.one("up")).containsExactly(hook);
        assertThat(c.one("learn-address")).containsExactly(hook);
        assertThat(c.one("client-disconnect")).containsExactly(hook);
        assertThat(c.one("tcp-nodelay")).isEmpty();
        assertThat(c.one("management")).containsExactly("/etc/v6broker/server/run/management-tcp.sock", "unix");
        assertThat(c.one("status")).containsExactly("/etc/v6broker/server/run/status-tcp.txt", "10");
        assertThat(c.names()).as("UDP-only options").doesNotContain("explicit-exit-notify", "connect-freq-initial");
        String script = ServerConfigs.listenerRoutes(DIR);
        Processes.assertShellSyntax(script);
        assertThat(script).contains("notes='/etc/v6broker/server/run/listener-routes'", "noprefixroute",
                "ip -6 route replace \"$2\" dev \"$dev\" proto 186");
    }

    @Test
    void theInstanceWithoutTlsCryptTakesNoKeyAndNoVerifyHookButTheSameClientsAndItsOwnRoutes() {
        Site s = Fixtures.siteWith(true, 0, 1195);
        OvpnConfig udp = OvpnConfig.parse(ServerConfigs.shared(s, DIR));
        assertThat(udp.one("tls-crypt-v2-verify")).hasSize(1);
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.beside(s, DIR, Listener.COMPAT));
        assertThat(c.one("proto")).containsExactly("udp6");
        assertThat(c.one("port")).containsExactly("1195");
        assertThat(c.names()).as("no control-channel key, so no hook for one").doesNotContain("tls-crypt-v2", "tls-crypt",
                "tls-crypt-v2-verify", "tls-auth");
        assertThat(c.one("crl-verify")).isEqualTo(udp.one("crl-verify"));
        assertThat(c.one("client-config-dir")).isEqualTo(udp.one("client-config-dir"));
        assertThat(c.one("learn-address")).containsExactly("/etc/v6broker/server/listener-routes.sh");
        assertThat(c.one("explicit-exit-notify")).containsExactly("1");
        assertThat(c.one("connect-freq-initial")).isEqualTo(udp.one("connect-freq-initial"));
        assertThat(c.one("management")).containsExactly("/etc/v6broker/server/run/management-compat.sock", "unix");
        assertThat(c.all("route-ipv6")).isEmpty();
        assertThat(Listener.enabled(s.openvpn())).containsExactly(Listener.UDP, Listener.COMPAT);
    }

    @Test
    void routeSlash3PushesTheSeedsRouteInsteadOfRedirectGateway() {
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.shared(site("2000::/3"), DIR));
        assertThat(c.pushed()).contains("route-ipv6 2000::/3").noneMatch(p -> p.startsWith("redirect-gateway"));
    }

    @Test
    void theDynamicPoolHoldsNoStaticAddressOfThePlan() {
        AddressPlan plan = Fixtures.PLAN;
        Ipv6Prefix pool = Ipv6Prefix.parse(OvpnConfig.parse(ServerConfigs.shared(site(), DIR)).one("ifconfig-ipv6-pool").get(0));
        assertThat(plan.transferNetwork().contains(pool)).isTrue();
        for (long i = plan.first(ClientKind.SUBNET); i <= plan.last(ClientKind.SUBNET); i++) {
            Assignment a = plan.assignment(ClientKind.SUBNET, i);
            assertThat(pool.overlaps(a.transferServer().network())).as(a.toString()).isFalse();
        }
        assertThat(pool.contains(plan.transferNetwork().network().add(BigInteger.ONE))).isFalse();
        // the largest plan: a /32 has 2^32 - 2 subnet /64s; the last one's transfer /112 is still outside the pool
        AddressPlan big = AddressPlan.parse("2001:db8::/32");
        Ipv6Prefix bigPool = Ipv6Prefix.parse(new Site(big, BrokerConfig.Endpoint.parse("vpn.example.net"),
                new BrokerConfig.OpenVpn(null, 0, null)).dynamicPool());
        assertThat(bigPool.overlaps(big.assignment(ClientKind.SUBNET, big.last(ClientKind.SUBNET)).transferServer().network())).isFalse();
    }

    @Test
    void aSubnetClientsFileGivesTheSeedsTransferAddressAndRoutesItsPrefix() {
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.ccd(site(), subnet("site", 7, ClientOs.LINUX, ClientStatus.ACTIVE)));
        assertThat(c.one("ifconfig-ipv6-push")).containsExactly("2001:638:500:f100::f101:2/64", "2001:638:500:f100::1");
        assertThat(c.one("iroute-ipv6")).containsExactly("2001:638:500:f101::/64");
        assertThat(c.names()).containsExactly("ifconfig-ipv6-push", "iroute-ipv6");
    }

    @Test
    void aHermitsFilePushesItsAddressAsASlash64WithoutAnIroute() {
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.ccd(site(), hermit("laptop", 8, ClientOs.LINUX, ClientStatus.ACTIVE)));
        assertThat(c.one("ifconfig-ipv6-push")).containsExactly("2001:638:500:f1ff::100/64", "2001:638:500:f1ff::1");
        assertThat(c.names()).containsExactly("ifconfig-ipv6-push");
        int length = Integer.parseInt(c.one("ifconfig-ipv6-push").get(0).split("/")[1]);
        assertThat(length).isBetween(64, 124);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUSPENDED", "REVOKED"})
    void aClientThatIsNotActiveHasNoServerSideFiles(String status) {
        Client c = subnet("site", 7, ClientOs.LINUX, ClientStatus.valueOf(status));
        assertThatThrownBy(() -> ServerConfigs.ccd(site(), c)).isInstanceOf(IllegalStateException.class).hasMessageContaining("only active");
        assertThatThrownBy(() -> ServerConfigs.perClient(site(), c, DIR)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ServerConfigs.perClientUp(site(), c)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPerClientServerListensOnPortBasePlusIdAndAcceptsOnlyThatClient() {
        OvpnConfig c = OvpnConfig.parse(ServerConfigs.perClient(site(), subnet("christian.strauf", 7, ClientOs.LINUX,
                ClientStatus.ACTIVE), DIR));
        assertThat(c.one("port")).containsExactly("5007");
        assertThat(c.one("dev")).containsExactly("tun");
        assertThat(c.one("proto")).containsExactly("udp6");
        assertThat(c.one("tls-server")).isEmpty();
        assertThat(c.one("dh")).containsExactly("none");
        assertThat(c.one("verify-x509-name")).containsExactly("christian.strauf", "name");
        assertThat(c.one("remote-cert-tls")).containsExactly("client");
        assertThat(c.one("ca")).containsExactly("/etc/v6broker/server/ca.crt");
        assertThat(c.one("crl-verify")).containsExactly("/etc/v6broker/server/crl.pem");
        assertThat(c.one("tls-crypt-v2")).containsExactly("/etc/v6broker/server/tls-crypt-v2.key");
        assertThat(c.all("tls-crypt")).as("a new home's servers take no v1 profile").isEmpty();
        assertThat(c.one("data-ciphers")).containsExactly("AES-256-GCM:CHACHA20-POLY1305");
        assertThat(c.one("allow-compression")).containsExactly("no");
        assertThat(c.one("keepalive")).containsExactly("10", "60");
        assertThat(c.one("script-security")).containsExactly("2");
        assertThat(c.one("up")).containsExactly("/etc/v6broker/server/christian.strauf.up");
        assertThat(c.one("verb")).containsExactly("3");
        assertThat(c.names()).doesNotContain("mode", "ping", "ping-restart", "client-config-dir", "ifconfig-ipv6")
                .doesNotContainAnyElementsOf(COMPRESSION);
    }

    @Test
    void aPerClientPortAbove65535IsRefusedWithTheNumbers() {
        Site s = new Site(Fixtures.PLAN, BrokerConfig.Endpoint.parse("vpn.example.net"), new BrokerConfig.OpenVpn(null, 65000, null));
        assertThat(OvpnConfig.parse(ServerConfigs.perClient(s, subnet("a", 535, ClientOs.LINUX, ClientStatus.ACTIVE), DIR))
                .one("port")).containsExactly("65535");
        assertThatThrownBy(() -> ServerConfigs.perClient(s, subnet("a", 536, ClientOs.LINUX, ClientStatus.ACTIVE), DIR))
                .isInstanceOf(PortOutOfRangeException.class)
                .hasMessageContaining("65536").hasMessageContaining("openvpn.portBase 65000").hasMessageContaining("id 536");
    }

    @Test
    void theUpScriptOfASubnetClientIsTheSeedsWithIp() throws Exception {
        String up = ServerConfigs.perClientUp(site(), subnet("christian.strauf", 7, ClientOs.LINUX, ClientStatus.ACTIVE));
        assertThat(commands(up)).containsExactly(
                "ip link set \"$1\" up",
                "ip link set mtu \"$2\" dev \"$1\"",
                "ip -6 addr add 2001:638:500:f100::f101:1/112 dev \"$1\"",
                "ip -6 addr add fe80::f101:1/64 dev \"$1\"",
                "ip -6 route add 2001:638:500:f101::/64 via 2001:638:500:f100::f101:2 dev \"$1\"",
                "exit 0");
        assertThat(up).startsWith("#!/bin/sh\n");
        Processes.assertShellSyntax(up);
    }

    @Test
    void theUpScriptOfAHermitRoutesItsSlash128ToTheTun() throws Exception {
        String up = ServerConfigs.perClientUp(site(), hermit("laptop", 8, ClientOs.LINUX, ClientStatus.ACTIVE));
        assertThat(commands(up)).contains("ip -6 addr add fe80::1/64 dev \"$1\"",
                "ip -6 route add 2001:638:500:f1ff::100/128 dev \"$1\"");
        Processes.assertShellSyntax(up);
    }

    @Test
    void theLinkLocalAddressCarriesTheTransferIdentifierAlsoInA32BitPlan() {
        AddressPlan plan = AddressPlan.parse("2001:db8::/40");
        Assignment a = plan.assignment(ClientKind.SUBNET, 0x12345L);
        BigInteger iid = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        assertThat(Tunnel.serverLinkLocal(a).value().and(iid)).isEqualTo(a.transferServer().value().and(iid));
        assertThat(Tunnel.serverLinkLocal(a).network()).isEqualTo(Ipv6Prefix.parse("fe80::/64"));
        assertThat(Tunnel.serverLinkLocal(a).value()).isNotEqualTo(Tunnel.serverLinkLocal(plan.assignment(ClientKind.SUBNET, 0x12346L)).value());
    }

    @Test
    void theUnitTemplateStartsEachClientsConfigAndUnitsListsTheInstances() {
        String unit = ServerConfigs.unitTemplate(DIR);
        assertThat(unit.lines()).contains("ExecStart=/usr/sbin/openvpn --config /etc/v6broker/server/%i.conf", "Restart=on-failure");
        assertThat(ServerConfigs.units(List.of("b", "a")).lines()).containsExactly("v6broker-openvpn@a.service", "v6broker-openvpn@b.service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nroute-ipv6 ::/0", "x\"y", "a b", "a;b", "$(id)", "a'b", "a\\b", "a`b`"})
    void theRendererRefusesANameThatCouldEscapeItsLineEvenWhenHandedDirectly(String name) {
        Client c = Fixtures.client(name, 3, ClientKind.SUBNET, 2, ClientOs.LINUX, ClientStatus.ACTIVE);
        assertThatThrownBy(() -> ServerConfigs.ccd(site(), c)).isInstanceOf(UnsafeValueException.class).hasMessageContaining("client name");
        assertThatThrownBy(() -> ServerConfigs.perClient(site(), c, DIR)).isInstanceOf(UnsafeValueException.class);
        assertThatThrownBy(() -> ServerConfigs.perClientUp(site(), c)).isInstanceOf(UnsafeValueException.class);
        assertThatThrownBy(() -> ServerConfigs.units(List.of(name))).isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void aDirectoryWithABlankOrQuoteIsRefusedBeforeItReachesAConfig() {
        assertThatThrownBy(() -> ServerConfigs.shared(site(), Path.of("/srv/my server"))).isInstanceOf(UnsafeValueException.class)
                .hasMessageContaining("server directory");
        assertThatThrownBy(() -> ServerConfigs.shared(site(), Path.of("/srv/x\"\nscript-security 3"))).isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void aManagementSocketPathTooLongForUnixSocketsIsRefused() {
        Path deep = Path.of("/srv/" + "d".repeat(100));
        assertThatThrownBy(() -> ServerConfigs.shared(site(), deep)).isInstanceOf(UnsafeValueException.class)
                .hasMessageContaining("at most 107");
    }

    @Test
    void noServerFileNamesTheClientsEmail() {
        Client c = subnet("site", 7, ClientOs.LINUX, ClientStatus.ACTIVE);
        assertThat(c.email()).isEqualTo("site@example.net");
        assertThat(ServerConfigs.ccd(site(), c) + ServerConfigs.perClient(site(), c, DIR) + ServerConfigs.perClientUp(site(), c))
                .doesNotContain("@example.net");
    }

    /** The script's command lines, comments and shebang dropped. */
    static List<String> commands(String script) {
        return script.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

}
