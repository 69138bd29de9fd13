package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP 443 fallback as an operator runs it: {@code serve} with {@code openvpn.tcpPort} runs a
 * second openvpn instance on TCP beside the UDP one, and exported profiles carry a UDP and a TCP
 * {@code <connection>}. With UDP to the server dropped by nftables in the client's namespace, a
 * hermit and a subnet client fall back to TCP, get their own addresses, and the server reaches
 * them through the routes the TCP instance's learn-address hook puts on its tun; a revoke ends a
 * TCP session within 2 s; unblocked, the next connect uses UDP again and the routes go back to the
 * UDP instance's aggregates. Beside them, the instance without tls-crypt ({@code openvpn.compatPort})
 * takes a {@code --compat no-tls-crypt} profile exported {@code --for mikrotik} the same way, and a
 * revoke ends that session too.
 */
class TcpFallbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(40);
    private static final Pattern TUN = Pattern.compile("TUN/TAP device (\\S+) opened");
    Netns net;
    Path dir;
    Path home;
    String srv;
    String lap;
    String site;
    String mt;
    Process daemon;
    final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void underlay() {
        Netns.assumeAvailable("TCP fallback");
        dir = E2e.workDir("tcp-fallback");
        home = dir.resolve("home");
        net = new Netns("tcp");
        srv = net.create("srv");
        lap = net.create("lap");
        site = net.create("site");
        mt = net.create("mt");
        net.bridge(srv, List.of(lap, site, mt));
    }

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            Netns.stop(daemon);
        }
        E2e.stopOpenvpn(home); // the daemon leaves both instances running by design; this test started them
        if (net != null) {
            net.close();
        }
    }

    @Test
    void withUdpBlockedClientsFallBackToTcpWithTheirAddressesAndRevokeEndsThemThereAsOnTheInstanceWithoutTlsCrypt() throws Exception {
        CliRunner.init(home, "198.51.100.1:1194");
        Path config = home.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"tcpPort\" : 0", "\"tcpPort\" : 443")
                .replace("\"compatPort\" : 0", "\"compatPort\" : 1195"));
        ok("client", "add", "lap", "--type", "hermit", "--home", home.toString());
        ok("client", "add", "site", "--type", "subnet", "--home", home.toString());
        ok("client", "add", "mt", "--type", "hermit", "--home", home.toString());
        Path clients = Files.createDirectories(dir.resolve("clients"));
        CliRunner.Run refused = CliRunner.run("client", "export", "mt", "--format", "tar.gz", "--for", "mikrotik", "--out",
                clients.resolve("x.tar.gz").toString(), "--home", home.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("MikroTik RouterOS 7 cannot use this profile: it lacks tls-crypt-v2");
        for (String name : List.of("lap", "site", "mt")) {
            Path archive = clients.resolve(name + ".tar.gz");
            List<String> args = new ArrayList<>(List.of("client", "export", name, "--format", "tar.gz", "--out", archive.toString(),
                    "--home", home.toString()));
            if (name.equals("mt")) {
                args.addAll(List.of("--compat", "no-tls-crypt", "--for", "mikrotik"));
            }
            ok(args.toArray(String[]::new));
            Netns.run("tar", "-xzf", archive.toString(), "-C", clients.toString());
        }
        assertThat(Files.readString(clients.resolve("mt/mt.ovpn"))).contains("remote 198.51.100.1 1195\n").doesNotContain("<tls-crypt");
        String profile = Files.readString(clients.resolve("lap/lap.ovpn"));
        assertThat(profile).contains("<connection>\nremote 198.51.100.1 1194 udp\nconnect-timeout 5\n",
                "<connection>\nremote 198.51.100.1 443 tcp-client\n");
        assertThat(profile.indexOf(" udp\n")).as("UDP first").isLessThan(profile.indexOf(" tcp-client\n"));

        Path daemonLog = dir.resolve("daemon.log");
        logs.add(daemonLog);
        daemon = net.spawn(srv, dir, daemonLog, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "net.v6broker.Main", "serve", "--home", home.toString(), "--http",
                "127.0.0.1:0", "--node", "srv");
        Path udpLog = home.resolve("openvpn/run/server.log");
        Path tcpLog = home.resolve("openvpn/run/server-tcp.log");
        Path compatLog = home.resolve("openvpn/run/server-compat.log");
        logs.addAll(List.of(udpLog, tcpLog, compatLog));
        assertThat(Netns.await(UP, () -> TunnelTest.count(udpLog, "Initialization Sequence Completed") > 0
                && TunnelTest.count(tcpLog, "Initialization Sequence Completed") > 0
                && TunnelTest.count(compatLog, "Initialization Sequence Completed") > 0))
                .as(() -> "serve runs the three instances" + tails()).isTrue();
        assertThat(TunnelTest.count(daemonLog, "takes clients without tls-crypt")).as("serve warns of it").isPositive();
        String udpTun = tun(udpLog);
        String tcpTun = tun(tcpLog);
        String compatTun = tun(compatLog);
        assertThat(List.of(udpTun, tcpTun, compatTun)).doesNotHaveDuplicates();

        // a client without tls-crypt (a MikroTik, say) on the instance for it, with its own address and route
        String mtAddress = manifest("mt").get("tunnelAddress").asText();
        Process mtVpn = connect(mt, "mt");
        assertThat(Netns.await(UP, () -> hasAddress(mt, mtAddress))).as(() -> "mt connects without tls-crypt" + tails()).isTrue();
        assertThat(TunnelTest.count(compatLog, "mt/")).as("on the instance without tls-crypt").isPositive();
        String mtHost = TunnelTest.address(mtAddress);
        assertThat(Netns.await(UP, () -> routeDevice(mtHost).equals(compatTun))).as(() -> "mt's route" + routes()).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(srv, mtHost))).as(() -> "the server reaches mt" + tails()).isTrue();
        Instant mtRevoked = Instant.now();
        ok("client", "revoke", "mt", "--home", home.toString());
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !mtVpn.isAlive())).as(() -> "mt's openvpn halted" + tails()).isTrue();
        Duration mtTook = Duration.between(mtRevoked, Instant.now());
        System.out.println("compat instance: revoke ended the session in " + mtTook.toMillis() + " ms");
        assertThat(mtTook).isLessThanOrEqualTo(Duration.ofSeconds(2));

        // UDP to the server is dropped where the clients are (a hotel's network)
        block(lap);
        block(site);
        String lapAddress = manifest("lap").get("tunnelAddress").asText();
        String siteAddress = manifest("site").get("tunnelAddress").asText();
        String sitePrefix = manifest("site").get("prefix").asText();
        Instant start = Instant.now();
        Process lapVpn = connect(lap, "lap");
        Process siteVpn = connect(site, "site");
        assertThat(Netns.await(Duration.ofSeconds(15), () -> hasAddress(lap, lapAddress) && hasAddress(site, siteAddress)))
                .as(() -> "both addressed over TCP within 15 s" + tails()).isTrue();
        Duration fallback = Duration.between(start, Instant.now());
        System.out.println("TCP fallback: both clients addressed " + fallback.toMillis() + " ms after start");
        assertThat(TunnelTest.count(tcpLog, "lap/")).as("lap is on the TCP instance").isPositive();
        assertThat(TunnelTest.count(udpLog, "lap/")).as("and not on the UDP one").isZero();

        // the kernel routes follow the clients to the TCP instance's tun
        String lapHost = TunnelTest.address(lapAddress);
        String siteHost = TunnelTest.address(siteAddress);
        assertThat(Netns.await(UP, () -> routeDevice(lapHost).equals(tcpTun) && routeDevice(siteHost).equals(tcpTun)
                && routeDevice(firstHost(sitePrefix)).equals(tcpTun))).as(() -> "routes to the TCP tun" + tails()).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(srv, lapHost) && net.ping6(srv, siteHost)))
                .as(() -> "the server reaches both over TCP" + tails()).isTrue();
        assertThat(Netns.await(UP, () -> connected("lap") && connected("site"))).as("status sees both sessions").isTrue();

        // site leaves; its routes leave the TCP tun; unblocked, its next connect is UDP, with the aggregate route
        Instant left = Instant.now();
        Netns.stop(siteVpn);
        assertThat(Netns.await(UP, () -> !routeDevice(firstHost(sitePrefix)).equals(tcpTun) && !routeDevice(siteHost).equals(tcpTun)))
                .as(() -> "site's routes left the TCP tun" + routes()).isTrue();
        System.out.println("TCP fallback: site's routes left the TCP tun " + Duration.between(left, Instant.now()).toMillis()
                + " ms after its openvpn was stopped");
        net.exec(site, "nft", "delete", "table", "inet", "v6btest");
        long udpBefore = TunnelTest.count(udpLog, "site/");
        siteVpn = connect(site, "site");
        assertThat(Netns.await(UP, () -> hasAddress(site, siteAddress) && TunnelTest.count(udpLog, "site/") > udpBefore))
                .as(() -> "site is back on UDP" + tails()).isTrue();
        assertThat(routeDevice(firstHost(sitePrefix))).isEqualTo(udpTun);
        assertThat(Netns.await(UP, () -> net.ping6(srv, siteHost))).as("the server reaches site over UDP").isTrue();

        // a revoke reaches the TCP instance as it does the UDP one
        Instant revoked = Instant.now();
        ok("client", "revoke", "lap", "--home", home.toString());
        assertThat(Netns.await(Duration.ofSeconds(5), () -> !lapVpn.isAlive())).as(() -> "lap's openvpn halted" + tails()).isTrue();
        Duration took = Duration.between(revoked, Instant.now());
        System.out.println("TCP fallback: revoke ended the TCP session in " + took.toMillis() + " ms");
        assertThat(took).as("the TCP session ended within 2 s").isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(Netns.await(UP, () -> !routeDevice(lapHost).equals(tcpTun))).as(() -> "lap's route is gone" + routes()).isTrue();
        assertThat(siteVpn.isAlive()).as("site is untouched").isTrue();
        Netns.stop(siteVpn);
    }

    /** Drops UDP to the server's port in a client's namespace, as a hotel's firewall would. */
    private void block(String ns) throws IOException {
        Path rules = dir.resolve(ns + ".nft");
        Files.writeString(rules, """
                table inet v6btest {
                  chain out {
                    type filter hook output priority 0; policy accept;
                    ip daddr 198.51.100.1 udp dport 1194 drop
                  }
                }
                """);
        net.exec(ns, "nft", "-f", rules.toString());
    }

    private Process connect(String ns, String name) {
        Path log = dir.resolve(name + "-" + System.nanoTime() + ".log");
        logs.add(log);
        return net.spawn(ns, dir.resolve("clients").resolve(name), log, "openvpn", "--config", name + ".ovpn");
    }

    private JsonNode manifest(String name) throws IOException {
        return JSON.readTree(dir.resolve("clients").resolve(name).resolve("manifest.json").toFile());
    }

    private boolean hasAddress(String ns, String cidr) {
        String address = TunnelTest.address(cidr);
        return net.addresses6(ns, "tun0").stream().map(TunnelTest::address).anyMatch(address::equals);
    }

    private boolean connected(String name) {
        try {
            for (JsonNode n : JSON.readTree(ok("status", "--json", "--home", home.toString()))) {
                if (n.get("name").asText().equals(name)) {
                    return n.path("connected").asBoolean();
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The device the server's kernel routes {@code address} to. */
    private String routeDevice(String address) {
        String out = net.exec(srv, "ip", "-6", "route", "get", address);
        Matcher m = Pattern.compile(" dev (\\S+)").matcher(out);
        return m.find() ? m.group(1) : "";
    }

    private static String firstHost(String prefix) {
        return prefix.substring(0, prefix.indexOf('/')) + "1"; // a prefix's text ends in "::"
    }

    private static String tun(Path log) throws IOException {
        Matcher m = TUN.matcher(Files.readString(log));
        assertThat(m.find()).as("tun device in " + log).isTrue();
        return m.group(1);
    }

    private String routes() {
        return "\n" + net.exec(srv, "ip", "-6", "route") + tails();
    }

    private String tails() {
        StringBuilder b = new StringBuilder("\n");
        for (Path l : logs) {
            b.append("== ").append(l.getFileName()).append('\n').append(TunnelTest.tail(l)).append('\n');
        }
        return b.toString();
    }
}
