package net.v6broker.doctor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.v6broker.broker.Client;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.IssuedCertificate;
import net.v6broker.ca.KeyType;
import net.v6broker.ca.TlsCryptKey;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.client.ClientKind;
import net.v6broker.openvpn.ClientExport;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.openvpn.Site;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** A real client archive, made by the real export code, unpacked into a folder. */
final class ClientArchive {
    static final SecureRandom RANDOM = new SecureRandom();
    static final CertificateAuthority CA = CertificateAuthority.create(KeyType.EC_P256, "doctor-test-CA", Duration.ofDays(30),
            Clock.systemUTC(), RANDOM);
    static final AddressPlan PLAN = AddressPlan.parse("2001:db8:abba:f100::/56");

    private ClientArchive() {
    }

    /** A subnet (index 1) or hermit client on the documentation prefix, exported for the shared layout, into dir. */
    static Path unpack(Path dir, ClientKind type, Instant notBefore, Instant notAfter) {
        long index = type == ClientKind.HERMIT ? AddressPlan.FIRST_HERMIT : 1;
        return unpack(dir, PLAN, type, PLAN.assignment(type, index), notBefore, notAfter);
    }

    /** A subnet client with the first block of the /{@code size} region of a /40's default plan. */
    static Path unpackSubnet(Path dir, int size, Instant notBefore, Instant notAfter) {
        AddressPlan plan = AddressPlan.layout(net.v6broker.ipam.Ipv6Prefix.parse("2001:db8:ab00::/40"), List.of(64, 56, 48));
        net.v6broker.ipam.Region r = plan.requireRegion(size);
        return unpack(dir, plan, ClientKind.SUBNET, plan.assignment(r, r.first()), notBefore, notAfter);
    }

    private static Path unpack(Path dir, AddressPlan plan, ClientKind type, net.v6broker.ipam.Assignment assignment,
                               Instant notBefore, Instant notAfter) {
        IssuedCertificate cert = CA.issueClient("site", Duration.ofDays(10));
        Client c = new Client(7, "site", type, ClientOs.LINUX, null, ClientStatus.ACTIVE, assignment, "01",
                notBefore, notAfter, notBefore, cert.certificatePem(), cert.privateKeyPem());
        Site site = new Site(plan, BrokerConfig.Endpoint.parse("198.51.100.1:1194"), new BrokerConfig.OpenVpn("default", 0, null));
        byte[] tgz = ClientExport.render(site, c, CA.certificatePem(), TlsCryptKey.generate(RANDOM),
                ExportRequest.parse("tar.gz", "shared", "lan0"), Instant.now());
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(tgz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
            Path top = dir.resolve("site");
            Files.createDirectories(top);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
            return top;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
