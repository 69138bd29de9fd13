package net.v6broker.link;

import net.v6broker.Processes;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.v6broker.ca.Pem;
import org.junit.jupiter.api.Test;

class LinkFilesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static LinkSpec spec(String dev, String route, String behind, boolean legacy) {
        return LinkSpec.parse("office", "gw.example.net", dev, route, "2001:db8:abba:1000::/64", behind, null, legacy);
    }

    /** Lines that are neither comments nor blank, nor inside an inline block. */
    static List<String> directives(String conf) {
        StringBuilder out = new StringBuilder();
        boolean inBlock = false;
        for (String l : conf.split("\n")) {
            if (l.startsWith("<") && !l.startsWith("</")) {
                inBlock = true;
                out.append(l).append('\n');
            } else if (l.startsWith("</")) {
                inBlock = false;
            } else if (!inBlock && !l.isBlank() && !l.startsWith("#")) {
                out.append(l).append('\n');
            }
        }
        return out.toString().lines().toList();
    }

    static String inline(String conf, String tag) {
        int a = conf.indexOf("<" + tag + ">\n");
        int b = conf.indexOf("</" + tag + ">");
        return conf.substring(a + tag.length() + 3, b);
    }

    static String fingerprint(String pem) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Pem.readCertificate(pem).getEncoded()));
    }

    @Test
    void eachEndPinsTheFingerprintOfTheOthersInlineCertificateAndNeedsNoCa() throws Exception {
        LinkSpec link = spec("tap", "2000::/3", null, false);
        Map<String, LinkFiles.File> files = LinkFiles.render(link, LinkKeys.generate(link, Clock.systemUTC(), RANDOM));
        String gw = files.get("gateway/office.conf").text();
        String lp = files.get("laptop/office.conf").text();
        assertThat(directives(gw)).contains("tls-server", "dh none", "dev tap", "proto udp6", "port 1194", "float",
                "up ./office.up", "script-security 2", "peer-fingerprint " + fingerprint(inline(lp, "cert")))
                .noneMatch(l -> l.startsWith("ca ") || l.startsWith("<ca>") || l.startsWith("secret") || l.startsWith("remote "));
        assertThat(directives(lp)).contains("tls-client", "dev tap", "proto udp4", "remote gw.example.net 1194", "nobind",
                "up ./office.up", "peer-fingerprint " + fingerprint(inline(gw, "cert")))
                .noneMatch(l -> l.startsWith("ca ") || l.startsWith("<ca>") || l.startsWith("secret"));
        assertThat(fingerprint(inline(gw, "cert"))).isNotEqualTo(fingerprint(inline(lp, "cert")));
        assertThat(files.get("gateway/office.conf").mode()).isEqualTo(0600);
        assertThat(files.get("laptop/office.conf").mode()).isEqualTo(0600);
        assertThat(files.get("gateway/office.up").mode()).isEqualTo(0755);
        assertThat(files.get("README.txt").text()).contains(fingerprint(inline(gw, "cert")), fingerprint(inline(lp, "cert")));
        assertThat(files).doesNotContainKeys("gateway/office.key", "laptop/office.key");
    }

    @Test
    void theUpScriptsRenameTheDeviceBeforeBringingItUpAndUseTheSeedsAddresses() throws Exception {
        LinkSpec link = spec("tap", "2000::/3", "2001:db8:abba:2000::/64", false);
        List<String> gw = commands(LinkFiles.gatewayUp(link));
        List<String> lp = commands(LinkFiles.laptopUp(link));
        assertThat(gw).containsExactly("set -e", "dev=tap_office", "[ \"$1\" = \"$dev\" ] || ip link set dev \"$1\" name \"$dev\"",
                "ip link set dev \"$dev\" up", "ip -6 addr add 2001:db8:abba:1000::1/64 dev \"$dev\"",
                "ip -6 route add 2001:db8:abba:2000::/64 via 2001:db8:abba:1000::2 dev \"$dev\"", "exit 0");
        assertThat(lp).containsExactly("set -e", "dev=tap_office", "[ \"$1\" = \"$dev\" ] || ip link set dev \"$1\" name \"$dev\"",
                "ip link set dev \"$dev\" up", "ip -6 addr add 2001:db8:abba:1000::2/64 dev \"$dev\"",
                "ip -6 route add 2000::/3 via 2001:db8:abba:1000::1 dev \"$dev\"",
                "sysctl -qw net.ipv6.conf.all.forwarding=1", "exit 0");
        Processes.assertShellSyntax(LinkFiles.gatewayUp(link));
        Processes.assertShellSyntax(LinkFiles.laptopUp(link));
    }

    @Test
    void aDefaultRouteLinkAddsADefaultWithMetricOneAndNoForwardingWithoutANetworkBehind() {
        LinkSpec link = spec("tun", "default", null, false);
        assertThat(commands(LinkFiles.laptopUp(link))).contains("dev=tun_office",
                "ip -6 route add default via 2001:db8:abba:1000::1 dev \"$dev\" metric 1")
                .noneMatch(l -> l.contains("forwarding") || l.contains("2000::/3"));
        assertThat(commands(LinkFiles.gatewayUp(link))).noneMatch(l -> l.startsWith("ip -6 route"));
    }

    @Test
    void theFirewallSnippetOpensTheUdpPortOnBothFamiliesAndForwardsTheLinkInterface() {
        LinkSpec link = LinkSpec.parse("office", "gw.example.net:1195", "tun", null, "2001:db8:abba:1000::/64", null, "vpn_office",
                false);
        List<String> rules = LinkFiles.nftables(link).lines().filter(l -> l.startsWith("add rule")).toList();
        assertThat(rules).containsExactly(
                "add rule inet filter input meta nfproto ipv4 udp dport 1195 accept comment \"v6broker link office\"",
                "add rule inet filter input meta nfproto ipv6 udp dport 1195 accept comment \"v6broker link office\"",
                "add rule inet filter input meta nfproto ipv6 iifname \"vpn_office\" accept comment \"v6broker link office\"",
                "add rule inet filter forward meta nfproto ipv6 iifname \"vpn_office\" accept comment \"v6broker link office\"",
                "add rule inet filter forward meta nfproto ipv6 oifname \"vpn_office\" ct state established,related accept "
                        + "comment \"v6broker link office\"");
    }

    @Test
    void theLegacyVariantIsTheSeedsStaticKeyConfigWithACipherOpenssl3Has() throws Exception {
        LinkSpec link = spec("tap", "2000::/3", null, true);
        LinkKeys keys = LinkKeys.generate(link, Clock.systemUTC(), RANDOM);
        Map<String, LinkFiles.File> files = LinkFiles.render(link, keys);
        assertThat(directives(files.get("gateway/office.conf").text())).containsExactly("dev tap", "port 1194",
                "secret office.key", "cipher AES-256-CBC", "auth SHA256", "script-security 2", "up ./office.up");
        assertThat(directives(files.get("laptop/office.conf").text())).containsExactly("remote gw.example.net", "port 1194",
                "float", "dev tap", "secret office.key", "cipher AES-256-CBC", "auth SHA256", "script-security 2", "up ./office.up");
        assertThat(files.get("gateway/office.conf").text()).contains("OpenVPN 2.7 refuses --secret");
        assertThat(files.get("gateway/office.key").text()).isEqualTo(files.get("laptop/office.key").text())
                .startsWith("#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n")
                .endsWith("-----END OpenVPN Static key V1-----\n");
        assertThat(files.get("gateway/office.key").mode()).isEqualTo(0600);
        assertThat(files.get("laptop/office.key").mode()).isEqualTo(0600);
        assertThat(files.get("README.txt").text()).contains("DEPRECATED in OpenVPN 2.6, refused by 2.7");
    }

    @Test
    void aLinkWithoutAPrefixIsNotRendered() {
        LinkSpec link = LinkSpec.parse("office", "gw.example.net", null, null, null, null, null, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinkFiles.render(link, LinkKeys.generate(link,
                Clock.systemUTC(), RANDOM))).isInstanceOf(IllegalStateException.class).hasMessageContaining("no prefix yet");
    }

    /** The script's command lines, without the shebang and comments. */
    static List<String> commands(String script) {
        return script.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

}
