package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed's laptop link with the real openvpn, from the folder 'v6broker link create' writes:
 * a gateway with the home network behind it and a laptop with a network behind it (--behind), both
 * ends started with plain {@code openvpn --config NAME.conf} in their folder. The laptop reaches a
 * home host through its 2000::/3 (or default) route, the gateway reaches a host behind the laptop
 * through the route its up script adds, and each end's device carries the firewall's name. When nft
 * is installed, the gateway drops everything but its home LAN and what the link's snippet lets in.
 *
 * <pre>
 *   home ── h0 ─ gw (203.0.113.1, openvpn) ══ link ══ lp (203.0.113.2, openvpn) ─ s0 ── site
 *   2001:db8:abba:10::2                     2001:db8:abba:f101::1 / ::2           2001:db8:beef::2
 * </pre>
 */
class LinkTest {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final String HOME_HOST = "2001:db8:abba:10::2";
    private static final String SITE_HOST = "2001:db8:beef::2";
    Netns net;
    Path dir;
    String gw;
    String lp;
    String home;
    String site;

    @BeforeEach
    void underlay() {
        Netns.assumeAvailable("link");
        net = new Netns("lnk");
        gw = net.create("gw");
        lp = net.create("lp");
        home = net.create("home");
        site = net.create("site");
        net.link(gw, "eth0", lp, "eth0");
        net.address(gw, "eth0", "203.0.113.1/24");
        net.address(lp, "eth0", "203.0.113.2/24");
        // the home network: the gateway is its router
        net.link(gw, "h0", home, "eth0");
        net.address(gw, "h0", "2001:db8:abba:10::1/64");
        net.address(home, "eth0", HOME_HOST + "/64");
        net.exec(home, "ip", "-6", "route", "add", "default", "via", "2001:db8:abba:10::1");
        net.exec(gw, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        // the network behind the laptop: the laptop is its router (its up script turns forwarding on)
        net.link(lp, "s0", site, "eth0");
        net.address(lp, "s0", "2001:db8:beef::1/64");
        net.address(site, "eth0", SITE_HOST + "/64");
        net.exec(site, "ip", "-6", "route", "add", "default", "via", "2001:db8:beef::1");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private void workDir(String name) throws IOException {
        dir = E2e.workDir("link", name);
    }

    @ParameterizedTest(name = "{0} {1}{2}")
    @CsvSource({"tap, 2000::/3, ''", "tun, default, ''", "tap, 2000::/3, ' --legacy-static-key'"})
    void theLaptopReachesTheHomeNetworkAndTheGatewayTheNetworkBehindTheLaptop(String dev, String route, String legacy)
            throws Exception {
        workDir(dev + (legacy.isBlank() ? "" : "-legacy"));
        Path brokerHome = dir.resolve("home");
        CliRunner.init(brokerHome, "198.51.100.1:1194");
        Path out = dir.resolve("office");
        List<String> args = new ArrayList<>(List.of("link", "create", "office", "--gateway", "203.0.113.1", "--out", out.toString(),
                "--dev", dev, "--route", route, "--behind", "2001:db8:beef::/64", "--home", brokerHome.toString()));
        if (!legacy.isBlank()) {
            args.add(legacy.strip());
        }
        ok(args.toArray(String[]::new));
        String ifname = dev + "_office";

        boolean firewall = nft();
        if (firewall) {
            // a gateway that drops what it is not told to let in: the home LAN is trusted, the rest comes
            // from the link's snippet
            Path base = dir.resolve("base.nft");
            Files.writeString(base, BASE_RULESET);
            net.exec(gw, "nft", "-f", base.toString());
            net.exec(gw, "nft", "-f", out.resolve("gateway/office.nft").toString());
            assertThat(net.exec(gw, "nft", "list", "chain", "inet", "filter", "forward"))
                    .contains("iifname \"" + ifname + "\" accept comment \"v6broker link office\"");
        }

        Path gwLog = dir.resolve("gateway.log");
        Path lpLog = dir.resolve("laptop.log");
        net.spawn(gw, out.resolve("gateway"), gwLog, "openvpn", "--config", "office.conf");
        net.spawn(lp, out.resolve("laptop"), lpLog, "openvpn", "--config", "office.conf");

        assertThat(Netns.await(UP, () -> net.addresses6(gw, ifname).contains("2001:db8:abba:f101::1/64")))
                .as("gateway's " + ifname + ": " + TunnelTest.tail(gwLog)).isTrue();
        assertThat(Netns.await(UP, () -> net.addresses6(lp, ifname).contains("2001:db8:abba:f101::2/64")))
                .as("laptop's " + ifname + ": " + TunnelTest.tail(lpLog)).isTrue();
        for (String ns : List.of(gw, lp)) {
            String links = net.exec(ns, "ip", "-o", "link", "show");
            assertThat(links).as("the device carries the firewall's name, and only that one")
                    .contains(": " + ifname + ":").doesNotContain(": " + dev + "0:")
                    .contains(dev.equals("tap") ? "link/ether" : "link/none");
        }
        // the up scripts add the routes right after the addresses
        String laptopRoute = route.equals("default") ? "default" : route;
        assertThat(Netns.await(UP, () -> net.exec(lp, "ip", "-6", "route", "show", laptopRoute)
                .contains("via 2001:db8:abba:f101::1 dev " + ifname))).as(net.exec(lp, "ip", "-6", "route", "show")).isTrue();
        assertThat(Netns.await(UP, () -> net.exec(gw, "ip", "-6", "route", "show", "2001:db8:beef::/64")
                .contains("via 2001:db8:abba:f101::2 dev " + ifname))).as(net.exec(gw, "ip", "-6", "route", "show")).isTrue();

        List<Path> logs = List.of(gwLog, lpLog);
        assertThat(Netns.await(UP, () -> net.ping6(lp, "2001:db8:abba:f101::1"))).as(() -> "laptop -> gateway" + tails(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(lp, HOME_HOST))).as(() -> "laptop -> home host via the route" + tails(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(gw, SITE_HOST))).as(() -> "gateway -> host behind the laptop" + tails(logs)).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(home, SITE_HOST))).as(() -> "home host -> host behind the laptop" + tails(logs))
                .isTrue();
        if (firewall) {
            assertThat(net.status(lp, "ping", "-c", "1", "-W", "1", "203.0.113.1")).as("the gateway's firewall drops what the "
                    + "snippet does not let in (here: IPv4 ping), so the link's traffic passed by the snippet's rules").isNotZero();
        }
        if (legacy.isBlank()) {
            assertThat(TunnelTest.count(gwLog, "Using certificate fingerprint to verify peer (no CA option set)")).isEqualTo(1);
            assertThat(TunnelTest.count(gwLog, "--secret is deprecated")).isZero();
        } else {
            assertThat(TunnelTest.count(gwLog, "DEPRECATED OPTION: The option --secret is deprecated")).as("OpenVPN 2.6 warns")
                    .isEqualTo(1);
        }
    }

    @org.junit.jupiter.api.Test
    void aLaptopOfAnotherLinkIsRefusedByTheGatewaysPinnedFingerprint() throws Exception {
        workDir("wrong-peer");
        Path brokerHome = dir.resolve("home");
        CliRunner.init(brokerHome, "198.51.100.1:1194");
        Path office = dir.resolve("office");
        Path other = dir.resolve("other");
        ok("link", "create", "office", "--gateway", "203.0.113.1", "--out", office.toString(), "--home", brokerHome.toString());
        ok("link", "create", "other", "--gateway", "203.0.113.1", "--out", other.toString(), "--home", brokerHome.toString());
        Path gwLog = dir.resolve("gateway.log");
        Path lpLog = dir.resolve("laptop.log");
        net.spawn(gw, office.resolve("gateway"), gwLog, "openvpn", "--config", "office.conf");
        net.spawn(lp, other.resolve("laptop"), lpLog, "openvpn", "--config", "other.conf");
        assertThat(Netns.await(UP, () -> TunnelTest.count(lpLog, "peer-fingerprint certificate hash verification failed") > 0))
                .as(() -> "a certificate that is not pinned is refused" + tails(List.of(gwLog, lpLog))).isTrue();
        assertThat(TunnelTest.count(gwLog, "Initialization Sequence Completed") + TunnelTest.count(lpLog,
                "Initialization Sequence Completed")).isZero();
        assertThat(net.ping6(lp, "2001:db8:abba:f101::1")).isFalse();
    }

    /** The gateway's own firewall before the link's snippet: policy drop, loopback, replies and the home LAN. */
    private static final String BASE_RULESET = """
            table inet filter {
                chain input {
                    type filter hook input priority filter; policy drop;
                    iif "lo" accept
                    ct state established,related accept
                    iifname "h0" accept
                }
                chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established,related accept
                    iifname "h0" accept
                }
            }
            """;

    /** True when nft is installed; the firewall part of the test needs it. */
    private static boolean nft() {
        return Files.isExecutable(Path.of("/usr/sbin/nft"));
    }

    private static String tails(List<Path> logs) {
        StringBuilder b = new StringBuilder("\n");
        for (Path l : logs) {
            b.append("== ").append(l.getFileName()).append('\n').append(TunnelTest.tail(l)).append('\n');
        }
        return b.toString();
    }
}
