package net.v6broker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.v6broker.client.ClientKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java doctor and the archive's sanity-check.sh on the same machine states: a healthy subnet
 * client, each of the five faults the issue names, and more. The machine is a {@link Scenario}:
 * a fake {@link Machine} for Java, stand-in programs on the PATH for the script, so this runs
 * without root and sends nothing. Both must print the same lines and exit alike.
 */
class DoctorTest {
    static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");
    @TempDir
    Path dir;
    Path archive;
    Manifest manifest;

    @BeforeEach
    void archive() {
        archive = ClientArchive.unpack(dir, ClientKind.SUBNET, NOT_BEFORE, NOT_AFTER);
        manifest = Manifest.read(archive.resolve("manifest.json"));
    }

    private record Run(int code, List<String> lines) {
    }

    private Run java(Scenario s) {
        Doctor.Report r = new Doctor(s.machine()).examine(manifest, s.probe);
        return new Run(r.exitCode(), r.lines());
    }

    private Run shell(Scenario s) throws Exception {
        Path bin = dir.resolve("bin-" + System.nanoTime());
        s.writeStubs(bin);
        ProcessBuilder pb = new ProcessBuilder(s.probe == null ? List.of("sh", "sanity-check.sh")
                : List.of("sh", "sanity-check.sh", "--probe", s.probe)).directory(archive.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out.lines().toList());
    }

    /** Runs both doctors, asserts they agree, and returns the Java one's report. */
    private Run both(Consumer<Scenario> fault) throws Exception {
        Scenario s = Scenario.healthySubnet(manifest);
        s.probe = "2001:db8:ffff::2";
        s.now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        fault.accept(s);
        Run java = java(s);
        Run shell = shell(s);
        assertThat(java.lines()).as("the Java doctor and sanity-check.sh print the same report").isEqualTo(shell.lines());
        assertThat(java.code()).isEqualTo(shell.code());
        return java;
    }

    private static List<String> failures(Run r) {
        return r.lines().stream().filter(l -> l.startsWith("FAIL ")).toList();
    }

    @Test
    void aHealthySubnetClientPassesEveryCheckInBothDoctors() throws Exception {
        Run r = both(s -> { });
        assertThat(r.code()).isZero();
        assertThat(r.lines()).containsExactly(
                "v6broker sanity check for site (server 198.51.100.1, UDP port 1194)",
                "OK   openvpn installed: OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]",
                "OK   an openvpn process is running",
                "OK   the clock is past the certificate's start (2025-01-01T00:00:00Z)",
                r.lines().get(4),
                "OK   tunnel address 2001:db8:abba:f100::f101:2/64 is on tun0",
                "OK   tun0 is up, MTU 1500",
                "OK   IPv6 traffic (::/3 2000::/4 3000::/4 fc00::/7) goes through the tunnel (tun0)",
                "OK   IPv6 forwarding is on",
                "OK   LAN address 2001:db8:abba:f101::1/64 is on lan0",
                "OK   the server answers ping at 2001:db8:abba:f100::1",
                "OK   2001:db8:ffff::2 answers through the tunnel (tun0)",
                "all checks passed");
        assertThat(r.lines().get(4)).matches("OK   the certificate is valid until 2030-01-01T00:00:00Z \\([0-9]+ days left\\)");
    }

    @Test
    void aTunnelThatIsDownIsReportedWithTheFixToStartIt() throws Exception {
        Run r = both(s -> {
            s.running = false;
            s.tunnelDevice = null;
            s.routeDevice = null;
            s.serverAnswers = false;
        });
        assertThat(r.code()).isEqualTo(1);
        assertThat(failures(r)).containsExactly(
                "FAIL no openvpn process is running; fix: start the tunnel: sudo openvpn --config site.ovpn (in the folder of this script)",
                "FAIL no interface carries the tunnel address 2001:db8:abba:f100::f101:2/64; fix: start the tunnel (sudo openvpn "
                        + "--config site.ovpn in the folder of this script); if it runs, look in its log for errors after "
                        + "'Initialization Sequence Completed'",
                "FAIL IPv6 traffic to 2000::1 goes through 'nothing', not the tunnel; fix: the routes ::/3 2000::/4 3000::/4 "
                        + "fc00::/7 come from the tunnel: reconnect, or add each by hand (sudo ip -6 route add ROUTE dev tun0); "
                        + "look for ROUTE6 errors in the OpenVPN log",
                "FAIL no answer from 2001:db8:abba:f100::1 through the tunnel; fix: if the checks above pass, the server or the "
                        + "way to it is down: is UDP port 1194 to 198.51.100.1 blocked, does the OpenVPN log say 'Inactivity "
                        + "timeout'? Does a firewall drop ICMPv6 on the tunnel interface?");
        assertThat(r.lines()).contains("SKIP the tunnel interface's state: no interface carries the tunnel address",
                "SKIP a global address through the tunnel: not tried, the checks above failed", "4 check(s) failed");
    }

    @Test
    void aMissingRouteIsTheOnlyFailureAndItsFixIsToReconnectOrAddIt() throws Exception {
        Run r = both(s -> s.routeDevice = "eth0");
        assertThat(failures(r)).containsExactly("FAIL IPv6 traffic to 2000::1 goes through 'eth0', not the tunnel tun0; fix: the "
                + "routes ::/3 2000::/4 3000::/4 fc00::/7 come from the tunnel: reconnect, or add each by hand (sudo ip -6 route "
                + "add ROUTE dev tun0); look for ROUTE6 errors in the OpenVPN log");
        assertThat(r.lines()).contains("SKIP a global address through the tunnel: not tried, the checks above failed");
    }

    @Test
    void aSlash56WhoseUnusedSlash64sStopAtTheRouterPassesAndOneWhoseTrafficLoopsIsTold() throws Exception {
        archive = ClientArchive.unpackSubnet(dir.resolve("56"), 56, NOT_BEFORE, NOT_AFTER);
        manifest = Manifest.read(archive.resolve("manifest.json"));
        assertThat(manifest.prefix()).isEqualTo("2001:db8:ab80::/56");
        assertThat(manifest.loopProbe()).isEqualTo("2001:db8:ab80:ff::1");
        assertThat(ClientArchive.text(archive.resolve("up.sh"))).contains("ip -6 route replace unreachable 2001:db8:ab80::/56\n");
        Run healthy = both(s -> { });
        assertThat(healthy.code()).isZero();
        assertThat(healthy.lines()).contains("OK   LAN address 2001:db8:ab80::1/64 is on lan0",
                "OK   traffic for the unused /64s of 2001:db8:ab80::/56 stops here, not back into the tunnel");
        Run loops = both(s -> s.loopDevice = "tun0");
        assertThat(failures(loops)).containsExactly("FAIL traffic for the unused /64s of 2001:db8:ab80::/56 (to "
                + "2001:db8:ab80:ff::1) goes back into the tunnel (tun0): it loops between here and the server; fix: sudo ip -6 "
                + "route add unreachable 2001:db8:ab80::/56 (up.sh does it)");
        // a further LAN on that /64 is not a loop
        assertThat(failures(both(s -> s.loopDevice = "lan1"))).isEmpty();
    }

    @Test
    void forwardingOffIsTheOnlyFailureAndItsFixTurnsItOn() throws Exception {
        Run r = both(s -> s.forwarding = "0");
        assertThat(failures(r)).containsExactly("FAIL IPv6 forwarding is off; fix: turn it on: sudo sysctl -w "
                + "net.ipv6.conf.all.forwarding=1 (up.sh does it when OpenVPN runs it from this folder)");
    }

    @Test
    void aMissingLanAddressIsTheOnlyFailureAndItsFixAddsIt() throws Exception {
        Run r = both(s -> s.lanAddress = null);
        assertThat(failures(r)).containsExactly("FAIL lan0 does not carry 2001:db8:abba:f101::1/64; fix: add it: sudo ip -6 addr "
                + "add 2001:db8:abba:f101::1/64 dev lan0 (up.sh does it); if your LAN interface is not lan0, export the profile "
                + "again with --lan-if");
    }

    @Test
    void anUnreachableServerIsTheOnlyFailureAndTheGlobalProbeIsNotTried() throws Exception {
        Run r = both(s -> s.serverAnswers = false);
        assertThat(failures(r)).containsExactly("FAIL no answer from 2001:db8:abba:f100::1 through the tunnel; fix: if the checks "
                + "above pass, the server or the way to it is down: is UDP port 1194 to 198.51.100.1 blocked, does the OpenVPN "
                + "log say 'Inactivity timeout'? Does a firewall drop ICMPv6 on the tunnel interface?");
        assertThat(r.lines()).contains("SKIP a global address through the tunnel: not tried, the checks above failed");
    }

    @Test
    void aSilentGlobalAddressBehindAnAnsweringServerPointsAtTheServersForwarding() throws Exception {
        Run r = both(s -> s.probeAnswers = false);
        assertThat(failures(r)).containsExactly("FAIL no answer from 2001:db8:ffff::2 through the tunnel, though the server "
                + "answers; fix: the tunnel works up to the server, which must forward IPv6 and route it on: tell the broker's "
                + "operator (or is 2001:db8:ffff::2 down?)");
    }

    @Test
    void withoutAProbeTheGlobalCheckIsSkippedNotFailed() throws Exception {
        Run r = both(s -> s.probe = null);
        assertThat(r.code()).isZero();
        assertThat(r.lines()).contains("SKIP a global address through the tunnel: none given (sh sanity-check.sh --probe ADDRESS)");
    }

    @Test
    void aClockBeforeTheCertificatesStartIsBlamedOnTheClock() throws Exception {
        Run r = both(s -> s.now = Instant.parse("2024-06-01T00:00:00Z"));
        assertThat(failures(r)).containsExactly("FAIL the clock is behind: it is before 2025-01-01T00:00:00Z, when the certificate "
                + "became valid, so OpenVPN refuses it as not yet valid; fix: set the clock: sudo timedatectl set-ntp true (or "
                + "sudo date -s 'YYYY-MM-DD HH:MM:SS')");
    }

    @Test
    void anExpiredCertificateAsksForARenewal() throws Exception {
        Run r = both(s -> s.now = Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(failures(r)).containsExactly("FAIL the certificate expired at 2030-01-01T00:00:00Z; fix: ask the broker's "
                + "operator for a renewed profile (v6broker client renew site, then export it again); if 'date' shows a wrong "
                + "time, set the clock instead");
    }

    @Test
    void aCertificateNearItsEndPassesWithAWarningToRenewSoon() throws Exception {
        Run r = both(s -> s.now = Instant.parse("2029-12-20T00:00:00Z"));
        assertThat(r.code()).isZero();
        assertThat(r.lines()).contains("OK   the certificate is valid until 2030-01-01T00:00:00Z (12 days left: ask for a renewal soon)");
    }

    @Test
    void aDownTunnelInterfaceOrATooSmallMtuIsReported() throws Exception {
        assertThat(failures(both(s -> s.flags = "0x1090"))).containsExactly(
                "FAIL tun0 is down; fix: bring it up: sudo ip link set tun0 up (or reconnect OpenVPN)");
        assertThat(failures(both(s -> s.mtu = "1200"))).containsExactly(
                "FAIL tun0 has MTU 1200, below IPv6's minimum of 1280; fix: remove tun-mtu from site.ovpn (or raise it to 1280 "
                        + "or more) and reconnect");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"OpenVPN 2.4.12 x86_64-pc-linux-gnu", "OpenVPN 1.6 i386"})
    void anOpenvpnOlderThan25IsTooOld(String version) throws Exception {
        Run r = both(s -> s.version = version);
        assertThat(failures(r)).singleElement().asString().startsWith("FAIL openvpn " + version.split(" ")[1]
                + " is too old for this profile (it needs 2.5 or later); fix: install OpenVPN 2.6");
    }

    @Test
    void anUnparsableVersionIsNotJudged() throws Exception {
        Run r = both(s -> s.version = "OpenVPN git-master");
        assertThat(r.lines()).contains("OK   openvpn installed: OpenVPN git-master");
    }

    @Test
    void aMissingOpenvpnFailsWithTheInstallCommand() throws Exception {
        Run r = both(s -> s.version = null);
        assertThat(failures(r)).singleElement().asString().isEqualTo("FAIL openvpn is not installed (not on PATH); fix: install "
                + "OpenVPN 2.6: sudo apt install openvpn (Debian, Ubuntu), brew install openvpn or Tunnelblick (macOS)");
    }
}
