package net.v6broker.cli;

/** A test on a fresh home on the seed's prefix (JOIN's 2001:638:500:f100::/56), port given. */
abstract class WithSeedHome extends WithHome {
    @Override
    String prefix() {
        return "2001:638:500:f100::/56";
    }

    @Override
    String endpoint() {
        return "vpn.example.net:1194";
    }
}
