package net.v6broker.cli;

import static net.v6broker.CliRunner.ok;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.v6broker.CliRunner;
import org.junit.jupiter.api.Test;

/** Subnets of every size through the command line, on a /40 with the default plan. */
class PrefixSizesCliTest extends WithHome {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    String prefix() {
        return "2001:db8:ab00::/40";
    }

    @Test
    void aSubnetOfEachSizeItsPlanAndAResizeThatQuarantinesTheOldPrefix() throws Exception {
        JsonNode a = JSON.readTree(ok("client", "add", "site-a", "--type", "subnet", "--size", "56", "--json", "--home", h));
        assertThat(a.get("prefix").asText()).isEqualTo("2001:db8:ab80::/56");
        JsonNode b = JSON.readTree(ok("client", "add", "site-b", "--type", "subnet", "--size", "/48", "--json", "--home", h));
        assertThat(b.get("prefix").asText()).isEqualTo("2001:db8:abc0::/48");
        JsonNode shown = JSON.readTree(ok("client", "show", "site-a", "--json", "--home", h));
        assertThat(shown.get("prefix").asText()).isEqualTo("2001:db8:ab80::/56");

        String plan = ok("plan", "show", "--home", h);
        assertThat(plan).contains("/56       2001:db8:ab80::/56 .. 2001:db8:abbf:ff00::/56: 16384 blocks, 1 in use, 0 in quarantine, 16383 free")
                .contains("/48       2001:db8:abc0::/48 .. 2001:db8:abfe::/48: 63 blocks, 1 in use");
        JsonNode pj = JSON.readTree(ok("plan", "show", "--json", "--home", h));
        assertThat(pj.get("regions").get(1).get("size").asInt()).isEqualTo(56);
        assertThat(pj.get("regions").get(1).get("used").asLong()).isEqualTo(1);

        assertThat(ok("client", "resize", "site-a", "--size", "48", "--home", h))
                .contains("resized: site-a (2001:db8:abc1::/48, transfer 2001:db8:ab00::abc1:0:1/112)");
        assertThat(ok("plan", "show", "--home", h)).contains("16384 blocks, 0 in use, 1 in quarantine, 16383 free")
                .contains("63 blocks, 2 in use");
        // the quarantined /56 is not handed out again
        JsonNode c = JSON.readTree(ok("client", "add", "site-c", "--type", "subnet", "--size", "56", "--json", "--home", h));
        assertThat(c.get("prefix").asText()).isEqualTo("2001:db8:ab80:100::/56");
    }

    @Test
    void aSlash56sFilesRouteTheWholePrefixAndItsArchiveNamesTheFurtherLans() throws Exception {
        ok("client", "add", "campus", "--type", "subnet", "--size", "56", "--home", h);
        java.nio.file.Path shared = dir.resolve("shared");
        ok("server", "config", "--home", h, "--layout", "shared", "--out", shared.toString());
        assertThat(java.nio.file.Files.readString(shared.resolve("ccd/campus"))).contains("iroute-ipv6 2001:db8:ab80::/56");
        java.nio.file.Path pc = dir.resolve("pc");
        ok("server", "config", "--home", h, "--layout", "per-client", "--out", pc.toString());
        assertThat(java.nio.file.Files.readString(pc.resolve("campus.up"))).contains("ip -6 route add 2001:db8:ab80::/56 via 2001:db8:ab00::ab80:0:2 dev \"$1\"");
        java.nio.file.Path tar = dir.resolve("campus.tar.gz");
        ok("client", "export", "campus", "--home", h, "--format", "tar.gz", "--lan-if", "eth1", "--out", tar.toString());
        net.v6broker.openvpn.Unpacked a = net.v6broker.openvpn.Unpacked.tarGz(java.nio.file.Files.readAllBytes(tar));
        assertThat(a.text("campus/up.sh")).contains("2001:db8:ab80::1/64 dev eth1");
        assertThat(a.text("campus/README.txt")).contains("routed to you: 256 /64s, one for each LAN")
                .contains("get addresses from 2001:db8:ab80::/64")
                .contains("2001:db8:ab80:1::/64 .. 2001:db8:ab80:ff::/64 (255 /64s) are yours too")
                .contains("prefix 2001:db8:ab80:1::/64 { }")
                .contains("uci set network.lan.ip6addr='2001:db8:ab80:1::1/64'");
        JsonNode m = JSON.readTree(a.text("campus/manifest.json"));
        assertThat(m.get("prefix").asText()).isEqualTo("2001:db8:ab80::/56");
        assertThat(m.get("lanNetwork").asText()).isEqualTo("2001:db8:ab80::/64");
        assertThat(m.get("furtherLans").get("count").asLong()).isEqualTo(255);
        assertThat(m.get("furtherLans").get("last").asText()).isEqualTo("2001:db8:ab80:ff::/64");
    }

    @Test
    void badSizesAreRefusedNamingTheAcceptedOnesAndAddNothing() {
        CliRunner.Run r = run("client", "add", "x", "--type", "subnet", "--size", "57", "--home", h);
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("accepted 64, 60, 56 or 48");
        r = run("client", "add", "x", "--type", "subnet", "--size", "60", "--home", h);
        assertThat(r.err()).contains("offers subnets of /64, /56, /48, not /60");
        r = run("client", "add", "x", "--type", "hermit", "--size", "64", "--home", h);
        assertThat(r.err()).contains("a hermit has one address (/128)");
        r = run("client", "add", "x", "--type", "subnet", "--size", "5;6", "--home", h);
        assertThat(r.err()).contains("accepted 64, 60, 56 or 48");
        assertThat(ok("client", "list", "--home", h)).doesNotContain("x ");
    }

    @Test
    void aRegionAddedLaterServesItsSizeAndRenumbersNobody() throws Exception {
        JsonNode before = JSON.readTree(ok("client", "add", "n1", "--type", "subnet", "--json", "--home", h));
        CliRunner.Run overlap = run("plan", "add-region", "--size", "60", "--first", "2001:db8:ab00:10::/60", "--last",
                "2001:db8:ab00:20::/60", "--home", h);
        assertThat(overlap.code()).isNotZero();
        assertThat(overlap.err()).contains("overlap a region");
        // the default /40 layout leaves the last /48 free but for the hermit /64: the largest free stretch
        assertThat(ok("plan", "add-region", "--size", "60", "--home", h))
                .contains("added the /60 region (2001:db8:abff::/60 .. 2001:db8:abff:ffe0::/60): 4095 blocks");
        JsonNode sixty = JSON.readTree(ok("client", "add", "s60", "--type", "subnet", "--size", "60", "--json", "--home", h));
        assertThat(sixty.get("prefix").asText()).isEqualTo("2001:db8:abff::/60");
        assertThat(run("plan", "add-region", "--size", "60", "--home", h).err()).contains("has a /60 region already");
        assertThat(run("plan", "add-region", "--size", "47", "--home", h).err()).contains("accepted sizes: 64, 60, 56, 48");
        JsonNode after = JSON.readTree(ok("client", "show", "n1", "--json", "--home", h));
        assertThat(after.get("prefix")).isEqualTo(before.get("prefix"));
    }

    @Test
    void importTakesASizeColumnAndRefusesABadOneNamingTheLine() throws Exception {
        java.nio.file.Path csv = dir.resolve("sites.csv");
        java.nio.file.Files.write(csv, java.util.List.of("name,type,os,email,size", "big,subnet,linux,,48", "mid,subnet,,,56",
                "small,subnet", "h,hermit"));
        ok("client", "import", csv.toString(), "--home", h);
        assertThat(JSON.readTree(ok("client", "show", "big", "--json", "--home", h)).get("prefix").asText())
                .isEqualTo("2001:db8:abc0::/48");
        assertThat(JSON.readTree(ok("client", "show", "mid", "--json", "--home", h)).get("prefix").asText())
                .isEqualTo("2001:db8:ab80::/56");
        assertThat(JSON.readTree(ok("client", "show", "small", "--json", "--home", h)).get("prefix").asText())
                .isEqualTo("2001:db8:ab00:1::/64");
        java.nio.file.Path bad = dir.resolve("bad.csv");
        java.nio.file.Files.write(bad, java.util.List.of("x1,subnet,linux,,56", "x2,subnet,linux,,57"));
        CliRunner.Run r = run("client", "import", bad.toString(), "--home", h);
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("line 2").contains("accepted 64, 60, 56 or 48");
        assertThat(ok("client", "list", "--home", h)).contains("x1").doesNotContain("x2");
    }

    @Test
    void initTakesTheSizesAndPrintsItsRegions() {
        String out = ok("init", "--home", dir.resolve("h2").toString(), "--prefix", "2001:db8:cd00::/40", "--endpoint",
                "vpn.example.net", "--sizes", "64,60");
        assertThat(out).contains("/64 region 2001:db8:cd00:1::/64 .. 2001:db8:cd7f:ffff::/64")
                .contains("/60 region 2001:db8:cd80::/60 .. 2001:db8:cdff:ffe0::/60");
        String h2 = dir.resolve("h2").toString();
        JsonNode c = null;
        try {
            c = JSON.readTree(ok("client", "add", "s", "--type", "subnet", "--size", "60", "--json", "--home", h2));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(c.get("prefix").asText()).isEqualTo("2001:db8:cd80::/60");
        assertThat(run("init", "--home", dir.resolve("h3").toString(), "--prefix", "2001:db8:cd00::/40", "--endpoint",
                "vpn.example.net", "--sizes", "56").err()).contains("the sizes must include 64");
        assertThat(dir.resolve("h3")).doesNotExist();
    }

    @Test
    void aSlash64IsAHermitOnlyBrokerWhoseTunNetworkIsPAndOnLinkNeedsOne() throws Exception {
        String h64 = dir.resolve("h64").toString();
        String out = ok("init", "--home", h64, "--prefix", "2001:db8:64::/64", "--endpoint", "vpn.example.net",
                "--upstream", "on-link:eth0");
        assertThat(out).contains("prefix     2001:db8:64::/64 (hermits only, from 2001:db8:64::/64; the shared tun's network)",
                "upstream   on-link at eth0");
        assertThat(java.nio.file.Files.readString(dir.resolve("h64").resolve("config.json")))
                .contains("\"upstream\" : {\n    \"mode\" : \"on-link\",\n    \"interface\" : \"eth0\"");
        JsonNode hermit = JSON.readTree(ok("client", "add", "phone", "--type", "hermit", "--json", "--home", h64));
        assertThat(hermit.get("prefix").asText()).isEqualTo("2001:db8:64::100/128");
        CliRunner.Run subnet = run("client", "add", "lab", "--type", "subnet", "--home", h64);
        assertThat(subnet.err()).contains("offers no subnets (hermits only), not /64");
        assertThat(ok("client", "list", "--home", h64)).contains("phone").doesNotContain("lab");
        java.nio.file.Path shared = dir.resolve("shared64");
        ok("server", "config", "--home", h64, "--layout", "shared", "--out", shared.toString());
        assertThat(java.nio.file.Files.readString(shared.resolve("server.conf")))
                .contains("ifconfig-ipv6 2001:db8:64::1/64 2001:db8:64::2\n", "ifconfig-ipv6-pool 2001:db8:64::ffff:ffff:ffff:0/112\n")
                .doesNotContain("route-ipv6 2001:db8:64::/64");
        assertThat(java.nio.file.Files.readString(shared.resolve("ccd/phone")))
                .contains("ifconfig-ipv6-push 2001:db8:64::100/64 2001:db8:64::1");
        assertThat(ok("plan", "show", "--home", h64)).contains("hermits   2001:db8:64::/64: 1 in use").doesNotContain("transfer");
        JsonNode plan = JSON.readTree(ok("plan", "show", "--json", "--home", h64));
        assertThat(plan.get("transfer").isNull()).isTrue();
        assertThat(plan.get("grid").get("nonFree").get(0).get("kind").asText()).isEqualTo("hermit");

        // on-link is for a hermit-only prefix, and names its interface; a refusal creates nothing
        CliRunner.Run routedSubnets = run("init", "--home", dir.resolve("h56").toString(), "--prefix", "2001:db8:56::/56",
                "--endpoint", "vpn.example.net", "--upstream", "on-link:eth0");
        assertThat(routedSubnets.err()).contains("on-link is for a hermit-only broker (a prefix of /61 to /64)");
        assertThat(dir.resolve("h56")).doesNotExist();
        CliRunner.Run badInterface = run("init", "--home", dir.resolve("h64b").toString(), "--prefix", "2001:db8:64::/64",
                "--endpoint", "vpn.example.net", "--upstream", "on-link:eth0;reboot");
        assertThat(badInterface.err()).contains("upstream interface 'eth0;reboot' is invalid");
        assertThat(run("init", "--home", dir.resolve("h64c").toString(), "--prefix", "2001:db8:64::/64",
                "--endpoint", "vpn.example.net", "--upstream", "bridged").err()).contains("accepted routed, or on-link:IF");
        assertThat(dir.resolve("h64b")).doesNotExist();
        assertThat(dir.resolve("h64c")).doesNotExist();
    }

    @Test
    void initPlacesEachRegionWhereTheOperatorSaysAndRefusesOverlapsCreatingNothing() throws Exception {
        String hb = dir.resolve("hb").toString();
        String out = ok("init", "--home", hb, "--prefix", "2001:db8:ab00::/40", "--endpoint", "vpn.example.net", "--sizes",
                "64=2001:db8:ab00:1::/64..2001:db8:ab00:ff::/64,56=2001:db8:ab01::/56..2001:db8:ab01:ff00::/56");
        assertThat(out).contains("/64 region 2001:db8:ab00:1::/64 .. 2001:db8:ab00:ff::/64 (255 blocks)",
                "/56 region 2001:db8:ab01::/56 .. 2001:db8:ab01:ff00::/56 (256 blocks)");
        JsonNode c = JSON.readTree(ok("client", "add", "site", "--type", "subnet", "--size", "56", "--json", "--home", hb));
        assertThat(c.get("prefix").asText()).isEqualTo("2001:db8:ab01::/56");
        // the rest of the /40 is free for regions added later
        assertThat(ok("plan", "add-region", "--size", "48", "--home", hb)).contains("added the /48 region");

        CliRunner.Run overlap = run("init", "--home", dir.resolve("hc").toString(), "--prefix", "2001:db8:ab00::/40", "--endpoint",
                "vpn.example.net", "--sizes", "64=2001:db8:ab00:1::/64..2001:db8:ab01:ff::/64,56=2001:db8:ab01::/56..2001:db8:ab01:ff00::/56");
        assertThat(overlap.code()).isEqualTo(Cli.INVALID);
        assertThat(overlap.err()).contains("overlap");
        CliRunner.Run mixed = run("init", "--home", dir.resolve("hd").toString(), "--prefix", "2001:db8:ab00::/40", "--endpoint",
                "vpn.example.net", "--sizes", "64,56=2001:db8:ab01::/56..2001:db8:ab01:ff00::/56");
        assertThat(mixed.err()).contains("give every size its bounds, or none");
        CliRunner.Run transfer = run("init", "--home", dir.resolve("he").toString(), "--prefix", "2001:db8:ab00::/40", "--endpoint",
                "vpn.example.net", "--sizes", "64=2001:db8:ab00::/64..2001:db8:ab00:ff::/64");
        assertThat(transfer.code()).isEqualTo(Cli.INVALID);
        for (String h : new String[] {"hc", "hd", "he"}) {
            assertThat(dir.resolve(h)).doesNotExist();
        }
    }
}
