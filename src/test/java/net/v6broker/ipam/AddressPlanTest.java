package net.v6broker.ipam;

import net.v6broker.error.InvalidInputException;

import net.v6broker.client.ClientKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPlanTest {
    private final AddressPlan seed = AddressPlan.parse("2001:638:500:f100::/56");

    @Test
    void reproducesTheSeedsFirstSubnetClientExactly() {
        Assignment a = new Allocator(seed, ClientKind.SUBNET, List.of()).next();
        assertThat(a.prefix()).hasToString("2001:638:500:f101::/64");
        assertThat(a.transferServer()).hasToString("2001:638:500:f100::f101:1/112");
        assertThat(a.transferClient()).hasToString("2001:638:500:f100::f101:2/112");
    }

    @Test
    void reproducesTheSeedsF1abExample() {
        Assignment a = seed.assignment(ClientKind.SUBNET, 0xab);
        assertThat(a.prefix()).hasToString("2001:638:500:f1ab::/64");
        assertThat(a.transferServer()).hasToString("2001:638:500:f100::f1ab:1/112");
        assertThat(a.transferClient()).hasToString("2001:638:500:f100::f1ab:2/112");
    }

    @Test
    void seedsLastSubnetIsF1feAndHermitsComeFromF1ff() {
        assertThat(seed.assignment(ClientKind.SUBNET, seed.last(ClientKind.SUBNET)).prefix()).hasToString("2001:638:500:f1fe::/64");
        assertThat(seed.capacity(ClientKind.SUBNET)).isEqualTo(254);
        assertThat(seed.transferNetwork()).hasToString("2001:638:500:f100::/64");
        assertThat(seed.hermitNetwork()).hasToString("2001:638:500:f1ff::/64");
        Assignment h = new Allocator(seed, ClientKind.HERMIT, List.of()).next();
        assertThat(h.prefix()).hasToString("2001:638:500:f1ff::100/128");
        assertThat(h.transferServer()).hasToString("fe80::1/64");
        assertThat(seed.hermitNetwork().contains(h.prefix())).isTrue();
    }

    @Test
    void appliesTheSameRuleToAllSixtyFiveThousandSlash64sOfASlash48() {
        AddressPlan p = AddressPlan.parse("2001:db8:abba::/48");
        assertThat(p.capacity(ClientKind.SUBNET)).isEqualTo(65534);
        assertThat(p.assignment(ClientKind.SUBNET, 1).prefix()).hasToString("2001:db8:abba:1::/64");
        assertThat(p.assignment(ClientKind.SUBNET, 1).transferServer()).hasToString("2001:db8:abba::1:1/112");
        assertThat(p.assignment(ClientKind.SUBNET, 0xfffe).prefix()).hasToString("2001:db8:abba:fffe::/64");
        assertThat(p.assignment(ClientKind.SUBNET, 0xfffe).transferClient()).hasToString("2001:db8:abba::fffe:2/112");
        assertThat(p.hermitNetwork()).hasToString("2001:db8:abba:ffff::/64");
    }

    @Test
    void keepsTransferNetworksDistinctForASlash32() {
        AddressPlan p = AddressPlan.parse("2001:db8::/32");
        Assignment a = p.assignment(ClientKind.SUBNET, 0x12345678L);
        assertThat(a.prefix()).hasToString("2001:db8:1234:5678::/64");
        assertThat(a.transferServer()).hasToString("2001:db8::1234:5678:1/112");
        assertThat(p.transferNetwork().contains(a.transferServer().value())).isTrue();
    }

    @Test
    void transferAddressesStayInsideTheTransferSlash64AndNeverInsideTheClientsPrefix() {
        for (String prefix : List.of("2001:db8:abba:f100::/56", "2001:db8:abba:f0::/60", "2001:db8:ab00::/40")) {
            AddressPlan p = AddressPlan.parse(prefix);
            for (long i : new long[] {p.first(ClientKind.SUBNET), p.last(ClientKind.SUBNET), (p.first(ClientKind.SUBNET) + p.last(ClientKind.SUBNET)) / 2}) {
                Assignment a = p.assignment(ClientKind.SUBNET, i);
                assertThat(p.transferNetwork().contains(a.transferServer().value())).as(prefix + " #" + i).isTrue();
                assertThat(a.prefix().contains(a.transferClient().value())).isFalse();
                assertThat(p.indexOf(ClientKind.SUBNET, a.prefix())).isEqualTo(i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/31", "2001:db8:abba:f100::/65", "2001:db8:abba:f100::/96", "2001:db8::1/56",
        "10.0.0.0/8", "2001:db8::", "not-a-prefix", "2001:db8::/56;rm -rf /", "", "2001:db8::/129",
        // forms the JDK's parser would take, or look up: IPv4-mapped, zone, brackets, a name, no length
        "::ffff:c633:6400/48", "2001:db8::%eth0/48", "[2001:db8::]/48", "vpn.example.net/48", "2001:db8::/", "2001:db8::/+48"})
    void refusesAPrefixOutsideThePlanWithTheAcceptedForm(String text) {
        assertThatThrownBy(() -> AddressPlan.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("accepted: an IPv6 prefix from /32 to /64");
    }

    @Test
    void namesTheNetworkMeantWhenHostBitsAreSet() {
        assertThatThrownBy(() -> AddressPlan.parse("2001:db8:abba:f101::/56"))
                .hasMessageContaining("host bits set: expected 2001:db8:abba:f100::/56");
    }

    @Test
    void exhaustionNamesThePoolAndItsUsage() {
        AddressPlan p = AddressPlan.parse("2001:db8:abba:f0::/60");
        Allocator a = new Allocator(p, ClientKind.SUBNET, List.of());
        for (int i = 0; i < 14; i++) {
            a.next();
        }
        assertThatThrownBy(a::next).isInstanceOf(PoolExhaustedException.class)
                .hasMessage("subnet pool 2001:db8:abba:f0::/60 exhausted: the /64 region (2001:db8:abba:f1::/64 .. 2001:db8:abba:fe::/64) has 14 of 14 /64s in use");
    }

    @Test
    void allocatesTheLowestFreeIndexFirst() {
        Allocator a = new Allocator(seed, ClientKind.SUBNET, List.of(1L, 2L, 4L));
        assertThat(a.next().index()).isEqualTo(3);
        assertThat(a.next().index()).isEqualTo(5);
    }
}
