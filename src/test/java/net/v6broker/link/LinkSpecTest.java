package net.v6broker.link;

import net.v6broker.error.InvalidInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinkSpecTest {
    private static LinkSpec parse(String name, String gateway) {
        return LinkSpec.parse(name, gateway, null, null, null, null, null, false);
    }

    @Test
    void defaultsAreTheSeedsTapDeviceTheGlobalUnicastRouteAndPort1194() {
        LinkSpec s = parse("laptop", "gateway.example.net");
        assertThat(s.device()).isEqualTo(LinkDevice.TAP);
        assertThat(s.route()).isEqualTo("2000::/3");
        assertThat(s.gatewayPort()).isEqualTo(1194);
        assertThat(s.ifname()).isEqualTo("tap_laptop");
        assertThat(s.gateway()).isEqualTo("gateway.example.net");
        assertThat(s.prefix()).isNull();
    }

    @Test
    void aGivenPortAndPrefixAreKeptAndTheEndsAreOneAndTwo() {
        LinkSpec s = LinkSpec.parse("laptop", "203.0.113.1:1195", "tun", "default", "2001:db8:abba:1000::/64",
                "2001:db8:abba:2000::/64", null, false);
        assertThat(s.gatewayPort()).isEqualTo(1195);
        assertThat(s.gateway()).isEqualTo("203.0.113.1:1195");
        assertThat(s.ifname()).isEqualTo("tun_laptop");
        assertThat(s.gatewayAddress()).isEqualTo("2001:db8:abba:1000::1");
        assertThat(s.laptopAddress()).isEqualTo("2001:db8:abba:1000::2");
        assertThat(s.behind()).hasToString("2001:db8:abba:2000::/64");
    }

    @Test
    void aDefaultInterfaceNameOverFifteenCharactersAsksForIfname() {
        assertThatThrownBy(() -> parse("laptop-of-alice", "gw.example.net")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'tap_laptop-of-alice' is longer than Linux's 15 characters")
                .hasMessageContaining("--ifname");
        assertThat(LinkSpec.parse("laptop-of-alice", "gw.example.net", null, null, null, null, "tap_alice", false).ifname())
                .isEqualTo("tap_alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tap;reboot", "tap x", "tap$(id)", "tap/0", "0123456789abcdef", ""})
    void anInterfaceNameOutsideTheWhitelistIsRefused(String ifname) {
        assertThatThrownBy(() -> LinkSpec.parse("laptop", "gw.example.net", null, null, null, null, ifname, false))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid --ifname");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", ".hidden", "a b", "a;b", "a/b", "a\nb"})
    void aLinkNameOutsideTheClientNameWhitelistIsRefused(String name) {
        assertThatThrownBy(() -> parse(name, "gw.example.net")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("invalid client name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gw.example.net;id", "gw example", "[2001:db8::1]:1194", "2001:db8::1", "gw:99999", "$(id)"})
    void aGatewayThatIsNotAnIpv4AddressOrDnsNameIsRefused(String gateway) {
        assertThatThrownBy(() -> parse("laptop", gateway)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("gateway");
    }

    @Test
    void anIpv6GatewayIsRefusedBecauseTheLaptopRoutesIpv6IntoTheLink() {
        assertThatThrownBy(() -> parse("laptop", "[2001:db8::1]:1194")).hasMessageContaining("must reach the gateway over IPv4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:abba:1000::/56", "2001:db8:abba:1000::1/64", "198.51.100.0/24", "nonsense"})
    void aPrefixThatIsNotAnIpv6SlashSixtyFourIsRefused(String prefix) {
        assertThatThrownBy(() -> LinkSpec.parse("laptop", "gw.example.net", null, null, prefix, null, null, false))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8:abba:2000::1/64", "2001:db8:abba:1000::/56", "::/0", "x"})
    void aBehindNetworkThatIsNoPrefixOrOverlapsTheLinkIsRefused(String behind) {
        assertThatThrownBy(() -> LinkSpec.parse("laptop", "gw.example.net", null, null, "2001:db8:abba:1000::/64", behind, null,
                false)).isInstanceOf(InvalidInputException.class).hasMessageContaining("--behind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"::/0", "2000::/4", "both", ""})
    void aRouteOtherThanGlobalUnicastOrDefaultIsRefused(String route) {
        assertThatThrownBy(() -> LinkSpec.parse("laptop", "gw.example.net", null, route, null, null, null, false))
                .hasMessageContaining("invalid --route");
    }

    @Test
    void aDeviceOtherThanTapOrTunIsRefused() {
        assertThatThrownBy(() -> LinkSpec.parse("laptop", "gw.example.net", "wg", null, null, null, null, false))
                .hasMessageContaining("invalid --dev 'wg': accepted tap, tun");
    }
}
