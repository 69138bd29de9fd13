package net.v6broker.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Our RFC 5952 formatting writes exactly what the IPAddress library writes, which it replaced. */
class Ipv6FormatProperties {

    /** Random addresses built from groups that are mostly zero, so that runs of zeros of every length and position occur. */
    @Property(tries = 20_000)
    void formatsAsTheLibraryDoes(@ForAll("addresses") BigInteger address) {
        assertThat(Ipv6Prefix.format(address)).isEqualTo(new IPv6Address(address).toCompressedString());
    }

    @Test
    void writesTheLongestRunOfZerosOnceAndTheFirstOfEqualRuns() {
        assertThat(List.of("::", "::1", "1::", "2001:db8::1", "2001::db8:1:0:1:0:1", "2001::db8:0:0:1",
                "2001:db8:1::1:0:0", "fe80::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:102:304"))
                .allSatisfy(text -> assertThat(Ipv6Prefix.format(new IPv6Address(
                        new inet.ipaddr.IPAddressString(text).getAddress().getBytes()).getValue())).isEqualTo(text));
    }

    @Provide
    Arbitrary<BigInteger> addresses() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 0xffff)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 0xf)));
        return group.list().ofSize(8).map(groups -> {
            BigInteger value = BigInteger.ZERO;
            for (int g : groups) {
                value = value.shiftLeft(16).or(BigInteger.valueOf(g));
            }
            return value;
        });
    }
}
