package net.v6broker.e2e;

import net.v6broker.CliRunner;
import static net.v6broker.CliRunner.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tunnel doctor on a real subnet client: {@code v6broker doctor} (Java) and the archive's
 * sanity-check.sh, both run inside the client's namespace, on a healthy tunnel and with each of
 * the five faults the issue names injected in turn. Both must print the same lines, name the
 * fault with its fix, and change nothing: {@code ip -6 addr}, {@code ip -6 route} and the IPv6
 * sysctls are compared before and after every run.
 *
 * <pre>
 *   subnet (198.51.100.20, openvpn client) ── srv (198.51.100.1, openvpn server) ── inet (2001:db8:ffff::2, the probe)
 *     └─ lan0 ── lan
 * </pre>
 */
class DoctorInNamespacesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration UP = Duration.ofSeconds(30);
    private static final String PROBE = "2001:db8:ffff::2";
    private static final List<String> REDIRECT_ROUTES = List.of("::/3", "2000::/4", "3000::/4", "fc00::/7");
    Netns net;
    Path dir;
    String srv;
    String subnet;
    String lan;
    String inet;
    Path archive;
    JsonNode manifest;
    Process client;

    @BeforeEach
    void underlay() throws IOException {
        Netns.assumeAvailable("doctor");
        dir = E2e.workDir("doctor");
        net = new Netns("doc");
        srv = net.create("srv");
        subnet = net.create("subnet");
        lan = net.create("lan");
        inet = net.create("inet");
        net.link(srv, "p20", subnet, "eth0");
        net.address(srv, "p20", "198.51.100.1/24");
        net.address(subnet, "eth0", "198.51.100.20/24");
        net.link(subnet, "lan0", lan, "eth0");
        net.link(srv, "w0", inet, "eth0");
        net.address(srv, "w0", "2001:db8:ffff::1/64");
        net.address(inet, "eth0", PROBE + "/64");
        net.exec(inet, "ip", "-6", "route", "add", "2001:db8:abba:f100::/56", "via", "2001:db8:ffff::1");
        net.exec(srv, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private String h() {
        return dir.resolve("home").toString();
    }

    /** A connected subnet client from its unpacked archive, with a healthy tunnel. */
    private void connect() throws IOException {
        CliRunner.init(Path.of(h()), "198.51.100.1:1194");
        ok("client", "add", "s1", "--type", "subnet", "--home", h());
        Path server = dir.resolve("server");
        ok("server", "config", "--out", server.toString(), "--home", h());
        Path srvLog = dir.resolve("server.log");
        net.spawn(srv, server, srvLog, "openvpn", "--config", server.resolve("server.conf").toString());
        assertThat(Netns.await(UP, () -> TunnelTest.count(srvLog, "Initialization Sequence Completed") > 0))
                .as("server started: " + TunnelTest.tail(srvLog)).isTrue();
        Path tgz = dir.resolve("s1.tar.gz");
        ok("client", "export", "s1", "--format", "tar.gz", "--lan-if", "lan0", "--out", tgz.toString(), "--home", h());
        Netns.run("tar", "-xzf", tgz.toString(), "-C", dir.toString());
        archive = dir.resolve("s1");
        manifest = JSON.readTree(archive.resolve("manifest.json").toFile());
        client = net.spawn(subnet, archive, dir.resolve("s1.log"), "openvpn", "--config", "s1.ovpn");
        awaitHealthy();
    }

    private void awaitHealthy() {
        String lanAddress = manifest.get("lanAddress").asText();
        assertThat(Netns.await(UP, () -> net.addresses6(subnet, "lan0").contains(lanAddress)))
                .as("up.sh put " + lanAddress + " on lan0: " + TunnelTest.tail(dir.resolve("s1.log"))).isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(subnet, manifest.get("serverAddress").asText()))).as("server answers").isTrue();
        assertThat(Netns.await(UP, () -> net.ping6(subnet, PROBE))).as("the probe answers through the tunnel").isTrue();
    }

    private record Run(int code, List<String> lines) {
    }

    /** What must not change: the client's addresses, routes and IPv6 sysctls. */
    private String state() {
        return net.exec(subnet, "ip", "-6", "addr", "show") + net.exec(subnet, "ip", "-6", "route", "show")
                + run(List.of("ip", "netns", "exec", subnet, "sysctl", "-a", "-r", "^net\\.ipv6\\.")).lines().stream()
                        .filter(l -> !l.contains("stable_secret")).reduce("", (a, b) -> a + b + "\n");
    }

    private Run java() {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", subnet,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "net.v6broker.Main", "doctor", "--manifest",
                archive.resolve("manifest.json").toString(), "--probe", PROBE));
        return run(cmd);
    }

    private Run shell() {
        return run(List.of("ip", "netns", "exec", subnet, "sh", archive.resolve("sanity-check.sh").toString(), "--probe", PROBE));
    }

    private Run run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(archive.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Run(p.exitValue(), out.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs both doctors; asserts they agree and changed nothing; returns the report. */
    private Run diagnose(String situation) {
        String before = state();
        Run java = java();
        String between = state();
        Run shell = shell();
        String after = state();
        assertThat(between).as(situation + ": v6broker doctor changed nothing").isEqualTo(before);
        assertThat(after).as(situation + ": sanity-check.sh changed nothing").isEqualTo(before);
        assertThat(java.lines()).as(situation + ": both doctors print the same report").isEqualTo(shell.lines());
        assertThat(java.code()).as(situation + ": and exit alike").isEqualTo(shell.code());
        return java;
    }

    private static List<String> failures(Run r) {
        return r.lines().stream().filter(l -> l.startsWith("FAIL ")).toList();
    }

    @Test
    void bothDoctorsAgreeOnAHealthyClientAndNameEachInjectedFaultWithItsFix() throws Exception {
        connect();
        String lanAddress = manifest.get("lanAddress").asText();
        String server = manifest.get("serverAddress").asText();

        Run healthy = diagnose("healthy");
        assertThat(healthy.code()).as(String.join("\n", healthy.lines())).isZero();
        assertThat(healthy.lines()).as("all green").allMatch(l -> l.startsWith("OK   ") || l.startsWith("v6broker sanity check")
                || l.equals("all checks passed")).contains("OK   tun0 is up, MTU 1500", "OK   " + PROBE
                + " answers through the tunnel (tun0)", "OK   LAN address " + lanAddress + " is on lan0");

        for (String r : REDIRECT_ROUTES) {
            net.exec(subnet, "ip", "-6", "route", "del", r, "dev", "tun0");
        }
        Run noRoute = diagnose("route missing");
        assertThat(failures(noRoute)).singleElement().asString().startsWith("FAIL IPv6 traffic to 2000::1 goes through "
                + "'nothing', not the tunnel tun0; fix: the routes ::/3 2000::/4 3000::/4 fc00::/7 come from the tunnel: "
                + "reconnect, or add each by hand");
        for (String r : REDIRECT_ROUTES) {
            net.exec(subnet, "ip", "-6", "route", "add", r, "dev", "tun0");
        }

        net.exec(subnet, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=0");
        Run noForwarding = diagnose("forwarding off");
        assertThat(failures(noForwarding)).containsExactly("FAIL IPv6 forwarding is off; fix: turn it on: sudo sysctl -w "
                + "net.ipv6.conf.all.forwarding=1 (up.sh does it when OpenVPN runs it from this folder)");
        net.exec(subnet, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");

        net.exec(subnet, "ip", "-6", "addr", "del", lanAddress, "dev", "lan0");
        Run noLan = diagnose("LAN address missing");
        assertThat(failures(noLan)).singleElement().asString().startsWith("FAIL lan0 does not carry " + lanAddress
                + "; fix: add it: sudo ip -6 addr add " + lanAddress + " dev lan0");
        net.address(subnet, "lan0", lanAddress);

        net.exec(subnet, "ip", "route", "add", "blackhole", "198.51.100.1/32");
        Run unreachable = diagnose("server unreachable");
        assertThat(failures(unreachable)).singleElement().asString().startsWith("FAIL no answer from " + server
                + " through the tunnel; fix: if the checks above pass, the server or the way to it is down: is UDP port 1194 "
                + "to 198.51.100.1 blocked");
        assertThat(unreachable.lines()).contains("SKIP a global address through the tunnel: not tried, the checks above failed");
        net.exec(subnet, "ip", "route", "del", "blackhole", "198.51.100.1/32");
        awaitHealthy();
        assertThat(diagnose("healthy again").code()).isZero();

        Netns.stop(client);
        assertThat(Netns.await(UP, () -> net.addresses6(subnet, "tun0").isEmpty())).isTrue();
        Run down = diagnose("tunnel down");
        assertThat(down.code()).isEqualTo(1);
        assertThat(failures(down)).contains("FAIL no interface carries the tunnel address " + manifest.get("tunnelAddress").asText()
                + "; fix: start the tunnel (sudo openvpn --config s1.ovpn in the folder of this script); if it runs, look in "
                + "its log for errors after 'Initialization Sequence Completed'")
                .anyMatch(l -> l.startsWith("FAIL no answer from " + server));
        // (the server's openvpn in its own namespace is a process of this machine too, so the process check passes)
        assertThat(down.lines()).contains("SKIP the tunnel interface's state: no interface carries the tunnel address");
    }
}
