package net.v6broker.openvpn;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.v6broker.error.InvalidInputException;

/**
 * The client compatibility table of docs/compatibility.md, as data: which of our profiles'
 * features each OpenVPN client takes. {@code client export --for APP} refuses a profile that uses
 * a feature the table says the app lacks, and says why; docs/compatibility.md is this table
 * printed ({@link #markdownTable}, kept equal by a test).
 */
public enum ClientApp {
    OPENVPN_2_4("openvpn2.4", "OpenVPN 2.4",
            Map.of(Feature.TLS_CRYPT_V2, Support.NO, Feature.CONNECTIONS, Support.DOCUMENTED, Feature.IPV6_ONLY, Support.NO,
                    Feature.SCRIPTS, Support.DOCUMENTED),
            "end of life; tls-crypt-v2 and IPv6-only tunnels came with 2.5"),
    OPENVPN_2_5("openvpn2.5", "OpenVPN 2.5",
            Map.of(Feature.TLS_CRYPT_V2, Support.DOCUMENTED, Feature.CONNECTIONS, Support.DOCUMENTED,
                    Feature.IPV6_ONLY, Support.DOCUMENTED, Feature.SCRIPTS, Support.DOCUMENTED), ""),
    OPENVPN_2_6("openvpn2.6", "OpenVPN 2.6",
            Map.of(Feature.TLS_CRYPT_V2, Support.MEASURED, Feature.CONNECTIONS, Support.MEASURED, Feature.IPV6_ONLY, Support.MEASURED,
                    Feature.SCRIPTS, Support.MEASURED), "every e2e test: Debian's 2.6"),
    OPENVPN_2_7("openvpn2.7", "OpenVPN 2.7",
            Map.of(Feature.TLS_CRYPT_V2, Support.DOCUMENTED, Feature.CONNECTIONS, Support.DOCUMENTED,
                    Feature.IPV6_ONLY, Support.DOCUMENTED, Feature.SCRIPTS, Support.DOCUMENTED), ""),
    OPENVPN3("openvpn3", "OpenVPN 3 (OpenVPN Connect, openvpn3-linux)",
            Map.of(Feature.TLS_CRYPT_V2, Support.DOCUMENTED, Feature.CONNECTIONS, Support.DOCUMENTED, Feature.IPV6_ONLY, Support.UNKNOWN,
                    Feature.SCRIPTS, Support.NO), "runs no scripts: a subnet client's up script must be run by hand"),
    ANDROID("android", "Android: OpenVPN for Android (ics-openvpn)",
            Map.of(Feature.TLS_CRYPT_V2, Support.DOCUMENTED, Feature.CONNECTIONS, Support.DOCUMENTED,
                    Feature.IPV6_ONLY, Support.DOCUMENTED, Feature.SCRIPTS, Support.NO), "OpenVPN 2.6 inside; Android runs no scripts"),
    PASSEPARTOUT("passepartout", "Passepartout (iOS, macOS)",
            Map.of(Feature.TLS_CRYPT_V2, Support.NO, Feature.CONNECTIONS, Support.UNKNOWN, Feature.IPV6_ONLY, Support.UNKNOWN,
                    Feature.SCRIPTS, Support.NO), "tls-crypt (v1) only: needs --compat no-tls-crypt here"),
    OPENWRT("openwrt", "OpenWrt (openvpn-openssl package)",
            Map.of(Feature.TLS_CRYPT_V2, Support.DOCUMENTED, Feature.CONNECTIONS, Support.DOCUMENTED,
                    Feature.IPV6_ONLY, Support.DOCUMENTED, Feature.SCRIPTS, Support.DOCUMENTED),
            "OpenVPN 2.5/2.6; the --os openwrt profile measured with 2.6 in a namespace"),
    MIKROTIK("mikrotik", "MikroTik RouterOS 7",
            Map.of(Feature.TLS_CRYPT_V2, Support.NO, Feature.CONNECTIONS, Support.NO, Feature.IPV6_ONLY, Support.UNKNOWN,
                    Feature.SCRIPTS, Support.NO), "no tls-crypt of either kind, one server address"),
    ASUS("asus", "Asus router firmware (Asuswrt)",
            Map.of(Feature.TLS_CRYPT_V2, Support.NO, Feature.CONNECTIONS, Support.UNKNOWN, Feature.IPV6_ONLY, Support.UNKNOWN,
                    Feature.SCRIPTS, Support.NO), "its profile import takes no tls-crypt-v2 key");

    /** What a profile of ours may need from the client. */
    public enum Feature {
        TLS_CRYPT_V2("tls-crypt-v2", "each client's own tls-crypt-v2 key (every profile but --compat no-tls-crypt)"),
        CONNECTIONS("<connection> blocks", "UDP then TCP 443 (openvpn.tcpPort)"),
        IPV6_ONLY("IPv6-only tunnel", "an IPv6 address and routes, no IPv4 in the tunnel (every profile)"),
        SCRIPTS("up script", "the archive of a subnet client on Linux, macOS, Windows or a Linux router");

        private final String title;
        private final String when;

        Feature(String title, String when) {
            this.title = title;
            this.when = when;
        }

        /** The title as Markdown: a tag in backticks, so that it is not read as HTML. */
        String markdown() {
            return title.replace("<connection>", "`<connection>`");
        }
    }

    /** How we know. Only {@link #NO} refuses a profile. */
    public enum Support {
        MEASURED("yes (measured here)"), DOCUMENTED("yes"), NO("**no**"), UNKNOWN("?");

        private final String cell;

        Support(String cell) {
            this.cell = cell;
        }
    }

    private final String cliName;
    private final String title;
    private final Map<Feature, Support> support;
    private final String note;

    ClientApp(String cliName, String title, Map<Feature, Support> support, String note) {
        this.cliName = cliName;
        this.title = title;
        this.support = support;
        this.note = note;
    }

    public String cliName() {
        return cliName;
    }

    public static ClientApp parse(String text) {
        for (ClientApp a : values()) {
            if (a.cliName.equals(text)) {
                return a;
            }
        }
        List<String> names = new ArrayList<>();
        for (ClientApp a : values()) {
            names.add(a.cliName);
        }
        throw new InvalidInputException("unknown client app " + net.v6broker.config.Validation.quote(text) + ": accepted "
                + String.join(", ", names));
    }

    /**
     * Refuses a profile that needs a feature this app lacks, naming each and what to do instead.
     *
     * @throws ExportRefusedException listing the features the table marks "no"
     */
    void check(Set<Feature> used) {
        List<String> lacking = new ArrayList<>();
        for (Feature f : used) {
            if (support.get(f) == Support.NO) {
                lacking.add(f.title + switch (f) {
                    case TLS_CRYPT_V2 -> " (export with --compat no-tls-crypt, which needs openvpn.compatPort)";
                    case CONNECTIONS -> " (export with --compat no-tls-crypt, which has one server address)";
                    case IPV6_ONLY -> " (every profile of this broker is IPv6-only: use a newer client)";
                    case SCRIPTS -> " (export --format ovpn and set the LAN up by hand, see README.txt of a tar.gz)";
                });
            }
        }
        if (!lacking.isEmpty()) {
            throw new ExportRefusedException(title + " cannot use this profile: it lacks " + String.join("; ", lacking)
                    + " (docs/compatibility.md)");
        }
    }

    /** The features a profile of this export uses. */
    static Set<Feature> features(Site site, Tunnel tun, ExportRequest r, boolean upScript) {
        Set<Feature> f = EnumSet.of(Feature.IPV6_ONLY);
        if (!r.noTlsCrypt()) {
            f.add(Feature.TLS_CRYPT_V2);
            if (tun.layout() == Layout.SHARED && site.openvpn().tcpFallback()) {
                f.add(Feature.CONNECTIONS);
            }
        }
        if (upScript) {
            f.add(Feature.SCRIPTS);
        }
        return f;
    }

    /** docs/compatibility.md's table: a row per app, a column per feature, and the notes. */
    public static String markdownTable() {
        StringBuilder s = new StringBuilder("| client (`--for`) |");
        for (Feature f : Feature.values()) {
            s.append(' ').append(f.markdown()).append(" |");
        }
        s.append(" notes |\n|---|");
        s.append("---|".repeat(Feature.values().length)).append("---|\n");
        for (ClientApp a : values()) {
            s.append("| ").append(a.title).append(" (`").append(a.cliName).append("`) |");
            for (Feature f : Feature.values()) {
                s.append(' ').append(a.support.get(f).cell).append(" |");
            }
            s.append(' ').append(a.note).append(" |\n");
        }
        s.append('\n');
        for (Feature f : Feature.values()) {
            s.append("- **").append(f.markdown()).append("**: ").append(f.when).append(".\n");
        }
        return s.toString();
    }
}
