package net.v6broker.openvpn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.broker.Client;
import net.v6broker.config.Home;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;

/**
 * Renders a client's export: the inline profile, or the folder {@code NAME/} packed as tar.gz or zip
 * with profile, up script (subnet clients), README.txt, manifest.json and sanity-check.sh. Pure:
 * values in, bytes out. Stateless, thread-safe.
 */
public final class ClientExport {
    private ClientExport() {
    }

    /**
     * The export's bytes. A revoked client is refused; a suspended one is exported (its profile works
     * again once it is resumed).
     *
     * @param caCertificate the CA certificate PEM
     * @param controlKey    the client's own tls-crypt-v2 key ({@code ControlKeys.clientKey})
     * @param time          the archive entries' modification time
     */
    public static byte[] render(Site site, Client client, String caCertificate, String controlKey, ExportRequest request,
                                Instant time) {
        if (client.status() == ClientStatus.REVOKED) {
            throw new ExportRefusedException("client '" + client.name() + "' is revoked: its certificate no longer "
                    + "connects, so there is nothing to export (delete it and add it again for a new profile)");
        }
        ClientOs os = client.os();
        if (os.router() && client.type() == ClientKind.HERMIT) {
            throw new ExportRefusedException("client '" + client.name() + "' is a hermit: a router's profile (--os "
                    + os.cliName() + ") hands a prefix to a LAN, and a hermit has one address");
        }
        if (request.noTlsCrypt()) {
            if (site.openvpn().compatPort() == 0) {
                throw new ExportRefusedException("--compat no-tls-crypt needs the instance without tls-crypt, and this broker "
                        + "runs none: set openvpn.compatPort in config.json and restart serve. It costs the protection "
                        + "tls-crypt gives: anyone who reaches that port can start a TLS handshake (docs/decisions.md 26)");
            }
            if (request.layout() != Layout.SHARED) {
                throw new ExportRefusedException("--compat no-tls-crypt is for the shared layout, which runs the instance "
                        + "without tls-crypt; the per-client layout has none");
            }
        }
        Tunnel tun = Tunnel.of(site, client, request.layout());
        String upName = request.format() == Format.OVPN || tun.hermit() || os == ClientOs.OPENWRT ? null : Profiles.upScriptName(os);
        if (request.app() != null) {
            request.app().check(ClientApp.features(site, tun, request, upName != null));
        }
        Profiles.Keys keys = new Profiles.Keys(caCertificate, client.certificatePem(), client.privateKeyPem(), controlKey);
        if (request.format() == Format.OVPN) {
            return Profiles.ovpn(site, tun, keys, null, os, request.noTlsCrypt()).getBytes(StandardCharsets.UTF_8);
        }
        String lan = lanInterface(site, os, request.lanInterface());
        String up = upName;
        List<Archive.Entry> entries = new ArrayList<>();
        entries.add(Archive.Entry.text(tun.name() + ".ovpn", Profiles.ovpn(site, tun, keys, up, os, request.noTlsCrypt()), Archive.PRIVATE));
        if (up != null) {
            entries.add(Archive.Entry.text(up, Profiles.upScript(tun, os, lan), Archive.EXECUTABLE));
        }
        if (os == ClientOs.OPENWRT) {
            entries.add(Archive.Entry.text("openvpn.uci", Profiles.openwrtOpenvpn(tun), Archive.PUBLIC));
            entries.add(Archive.Entry.text("network.uci", Profiles.openwrtNetwork(tun), Archive.PUBLIC));
            entries.add(Archive.Entry.text("firewall.uci", Profiles.openwrtFirewall(), Archive.PUBLIC));
        } else if (os == ClientOs.ROUTER) {
            entries.add(Archive.Entry.text("radvd.conf", Profiles.radvdConf(tun, lan), Archive.PUBLIC));
        }
        entries.add(Archive.Entry.text("README.txt", Profiles.readme(site, client, tun, os, lan, up), Archive.PUBLIC));
        entries.add(Archive.Entry.text("manifest.json", Profiles.manifest(client, tun, lan, caCertificate), Archive.PUBLIC));
        entries.add(Archive.Entry.text("sanity-check.sh", Profiles.sanityCheck(tun, lan, client.notBefore(), client.notAfter()), Archive.EXECUTABLE));
        return request.format() == Format.TAR_GZ
                ? Archive.tarGz(tun.name(), entries, time)
                : Archive.zip(tun.name(), entries, time);
    }

    /**
     * Writes an export atomically with mode 0600 (it holds the client's private key): a temporary
     * file in the target's directory, fsync'd, then renamed over the target.
     */
    public static void save(Path target, byte[] content) {
        Home.writeBytesAtomically(target, content, Home.PRIVATE);
    }

    /** The LAN interface: the one asked for, else the OS's default. */
    static String lanInterface(Site site, ClientOs os, String requested) {
        if (requested != null) {
            return Safe.lanInterface(requested);
        }
        return switch (os) {
            case LINUX, ROUTER -> site.openvpn().lanInterface();
            case OPENWRT -> "br-lan";
            case MACOS -> "en0";
            case WINDOWS -> "Ethernet";
        };
    }
}
