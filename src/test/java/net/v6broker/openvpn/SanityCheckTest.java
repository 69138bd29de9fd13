package net.v6broker.openvpn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import net.v6broker.broker.Client;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the generated sanity-check.sh against stand-ins for openvpn, ps, ip, ping and uname, so the
 * script's logic is exercised without touching this machine's network or sending a packet.
 */
class SanityCheckTest {
    @TempDir
    Path dir;

    private record Result(int code, String out) {
    }

    private void stub(String name, String body) throws IOException {
        Path f = dir.resolve("bin").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A machine where the tunnel is up on tun0 (or down, if {@code healthy} is false). */
    private void machine(Tunnel t, boolean healthy) throws IOException {
        stub("uname", "echo Linux");
        stub("openvpn", "echo 'OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)]'; exit 1");
        stub("ps", healthy ? "printf '%s\\n' systemd /usr/sbin/openvpn sh" : "printf '%s\\n' systemd sh");
        String dev = healthy ? "tun0" : "eth0";
        stub("ip", "case \"$*\" in\n"
                + "  '-6 -o addr show') " + (healthy ? "echo '7: tun0    inet6 " + t.tunnelAddress()
                + " scope global \\\\       valid_lft forever preferred_lft forever'" : "true") + " ;;\n"
                + "  '-6 route get 2000::1') echo '2000::1 from :: dev " + dev + " proto kernel metric 1024 pref medium' ;;\n"
                + "  '-6 addr show dev eth0') " + (t.lanAddress() == null ? "true" : "echo '    inet6 " + t.lanAddress()
                + " scope global'") + " ;;\n"
                + "  *) echo \"unexpected ip $*\" >&2; exit 2 ;;\n"
                + "esac");
        stub("ping", "echo \"$*\" > " + dir.resolve("ping.args") + (healthy ? "; exit 0" : "; exit 1"));
    }

    private Result run(Tunnel t) throws Exception {
        Path script = dir.resolve("sanity-check.sh");
        Files.writeString(script, Profiles.sanityCheck(t, "eth0"));
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", script.toString())).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    private static Tunnel tunnel(Client c, Layout layout) {
        return Tunnel.of(Fixtures.site(), c, layout);
    }

    @Test
    void aHealthyHermitTunnelPassesEveryCheckAndExitsZero() throws Exception {
        Tunnel t = tunnel(Fixtures.hermit("laptop", 8, ClientOs.LINUX, ClientStatus.ACTIVE), Layout.SHARED);
        machine(t, true);
        Result r = run(t);
        assertThat(r.out()).contains("OK   openvpn installed: OpenVPN 2.6.14", "OK   an openvpn process is running",
                "OK   tunnel address 2001:638:500:f1ff::100/64 is on tun0", "OK   IPv6 traffic", "(tun0)",
                "OK   the server answers ping at 2001:638:500:f100::1", "all checks passed").doesNotContain("FAIL");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Files.readString(dir.resolve("ping.args"))).contains("-6 -c 2 -W 2 2001:638:500:f100::1");
    }

    @Test
    void aDownTunnelFailsWithAFixForEachProblemAndExitsNonZero() throws Exception {
        Tunnel t = tunnel(Fixtures.hermit("laptop", 8, ClientOs.LINUX, ClientStatus.ACTIVE), Layout.SHARED);
        machine(t, false);
        Result r = run(t);
        assertThat(r.code()).isNotZero();
        assertThat(r.out()).contains("OK   openvpn installed",
                "FAIL no openvpn process is running; fix: start the tunnel",
                "FAIL no interface carries the tunnel address 2001:638:500:f1ff::100/64; fix:",
                "FAIL IPv6 traffic to 2000::1 goes through 'eth0', not the tunnel; fix:",
                "FAIL no answer from 2001:638:500:f100::1 through the tunnel; fix:",
                "4 check(s) failed");
    }

    @Test
    void aPerClientHermitPingsTheLinkLocalServerThroughItsTun() throws Exception {
        Tunnel t = tunnel(Fixtures.hermit("laptop", 8, ClientOs.LINUX, ClientStatus.ACTIVE), Layout.PER_CLIENT);
        machine(t, true);
        Result r = run(t);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(Files.readString(dir.resolve("ping.args")).strip()).endsWith("fe80::1%tun0");
    }

    @Test
    void aSubnetClientIsAlsoCheckedForItsLanAddressAndForwarding() throws Exception {
        Tunnel t = tunnel(Fixtures.subnet("site", 7, ClientOs.LINUX, ClientStatus.ACTIVE), Layout.PER_CLIENT);
        machine(t, true);
        Result r = run(t);
        assertThat(r.out()).contains("OK   tunnel address 2001:638:500:f100::f101:2/112 is on tun0",
                "OK   LAN address 2001:638:500:f101::1/64 is on eth0",
                "OK   the server answers ping at 2001:638:500:f100::f101:1")
                .containsPattern("(OK   IPv6 forwarding is on|FAIL IPv6 forwarding is off; fix: )");
    }
}
