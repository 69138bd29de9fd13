package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.openvpn.UciBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Router profiles against the real openvpn, in namespaces, behind {@code serve}. The OpenWrt
 * archive's profile connects, and the addresses of its {@code network.uci}, applied as netifd
 * would (the tunnel address and gateway on the profile's device, the LAN's /64 of the prefix),
 * carry a LAN host's traffic. The Linux router archive's profile, its up script and its
 * {@code radvd.conf} run by the real radvd give a LAN host an address by SLAAC from the prefix,
 * which the server reaches.
 */
class RouterProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    Netns net;
    Path dir;
    Path home;
    Process daemon;
    final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Netns.assumeAvailable("router profiles");
        dir = E2e.workDir("router-profiles");
        home = dir.resolve("home");
        net = new Netns("rtr");
    }

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            Netns.stop(daemon);
        }
        E2e.stopOpenvpn(home);
        if (net != null) {
            net.close();
        }
    }

    @Test
    void anOpenwrtProfileWithItsUciAddressesAndALinuxRouterWithRadvdServeTheirLans() throws Exception {
        String srv = net.create("srv");
        String owrt = net.create("owrt");
        String olan = net.create("olan");
        String linux = net.create("linux");
        String llan = net.create("llan");
        net.bridge(srv, List.of(owrt, linux));
        net.link(owrt, "lan0", olan, "eth0");
        net.link(linux, "lan0", llan, "eth0");

        CliRunner.init(home, "198.51.100.1:1194");
        String h = home.toString();
        ok("client", "add", "gw", "--type", "subnet", "--os", "openwrt", "--home", h);
        ok("client", "add", "rt", "--type", "subnet", "--os", "router", "--home", h);
        Path clients = Files.createDirectories(dir.resolve("clients"));
        for (String name : List.of("gw", "rt")) {
            Path archive = clients.resolve(name + ".tar.gz");
            ok("client", "export", name, "--format", "tar.gz", "--lan-if", "lan0", "--out", archive.toString(), "--home", h);
            Netns.run("tar", "-xzf", archive.toString(), "-C", clients.toString());
        }
        Path daemonLog = dir.resolve("daemon.log");
        logs.add(daemonLog);
        daemon = net.spawn(srv, dir, daemonLog, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", h, "--http", "127.0.0.1:0",
                "--node", "srv");
        assertThat(Netns.await(UP, () -> E2e.managementSocketUp(home))).as(() -> "serve started openvpn" + tails()).isTrue();

        // OpenWrt: openvpn only opens v6b0 (ifconfig-noexec); netifd would set what network.uci says
        Path gwDir = clients.resolve("gw");
        Path gwLog = dir.resolve("gw.log");
        logs.add(gwLog);
        net.spawn(owrt, gwDir, gwLog, "openvpn", "--config", "gw.ovpn");
        assertThat(Netns.await(UP, () -> TunnelTest.count(gwLog, "Initialization Sequence Completed") > 0))
                .as(() -> "the OpenWrt profile connects" + tails()).isTrue();
        assertThat(net.addresses6(owrt, "v6b0")).as("openvpn left the addresses to netifd").isEmpty();
        UciBatch uci = UciBatch.parse(Files.readString(gwDir.resolve("network.uci")), List.of("network.lan"));
        String device = uci.one("network.v6broker.device");
        String prefix = uci.one("network.v6broker.ip6prefix");
        String lanRouter = prefix.substring(0, prefix.indexOf('/')) + "1"; // ip6assign 64, ip6hint 0: the first /64's ::1
        net.exec(owrt, "ip", "link", "set", device, "up");
        net.address(owrt, device, uci.one("network.v6broker.ip6addr"));
        net.exec(owrt, "ip", "-6", "route", "add", "default", "via", uci.one("network.v6broker.ip6gw"), "dev", device);
        net.exec(owrt, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        net.address(owrt, "lan0", lanRouter + "/64");
        net.exec(owrt, "ip", "-6", "route", "add", "unreachable", prefix);
        String olanHost = prefix.substring(0, prefix.indexOf('/')) + "2";
        net.address(olan, "eth0", olanHost + "/64");
        net.exec(olan, "ip", "-6", "route", "add", "default", "via", lanRouter);
        JsonNode gw = JSON.readTree(gwDir.resolve("manifest.json").toFile());
        assertThat(uci.one("network.v6broker.ip6addr")).isEqualTo(gw.get("tunnelAddress").asText());
        assertThat(Netns.await(UP, () -> net.ping6(srv, olanHost))).as(() -> "the server reaches the OpenWrt LAN host" + tails())
                .isTrue();

        // a Linux router: up.sh puts the LAN's /64 on lan0, the real radvd announces it, the LAN host takes an address
        Path rtDir = clients.resolve("rt");
        Path rtLog = dir.resolve("rt.log");
        logs.add(rtLog);
        net.spawn(linux, rtDir, rtLog, "openvpn", "--config", "rt.ovpn");
        JsonNode rt = JSON.readTree(rtDir.resolve("manifest.json").toFile());
        String lanAddress = rt.get("lanAddress").asText();
        assertThat(Netns.await(UP, () -> net.addresses6(linux, "lan0").contains(lanAddress)))
                .as(() -> "up.sh put " + lanAddress + " on lan0" + tails()).isTrue();
        net.exec(llan, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_ra=1");
        Path radvdLog = dir.resolve("radvd.log");
        logs.add(radvdLog);
        net.spawn(linux, rtDir, radvdLog, "radvd", "--nodaemon", "--config", rtDir.resolve("radvd.conf").toString(),
                "--pidfile", dir.resolve("radvd.pid").toString(), "--logmethod", "stderr");
        String lanNet = rt.get("prefix").asText();
        String lanStart = lanNet.substring(0, lanNet.indexOf("::") + 1);
        assertThat(Netns.await(UP, () -> slaac(llan, lanStart) != null)).as(() -> "the LAN host took an address from "
                + lanNet + " by SLAAC" + tails()).isTrue();
        String slaac = slaac(llan, lanStart);
        assertThat(Netns.await(UP, () -> net.ping6(srv, slaac))).as(() -> "the server reaches " + slaac + tails()).isTrue();
    }

    /** The global address on the LAN host's eth0 that starts with {@code start} (its /64), or null. */
    private String slaac(String ns, String start) {
        return net.addresses6(ns, "eth0").stream().filter(a -> a.startsWith(start)).map(TunnelTest::address).findFirst().orElse(null);
    }

    private String tails() {
        StringBuilder b = new StringBuilder("\n");
        for (Path l : logs) {
            b.append("== ").append(l.getFileName()).append('\n').append(TunnelTest.tail(l)).append('\n');
        }
        return b.toString();
    }
}
