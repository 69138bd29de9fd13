package net.v6broker.link;

import net.v6broker.error.InvalidInputException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.KeyType;
import net.v6broker.ca.TlsCryptKey;

/**
 * The secrets of a link: by default a self-signed certificate and key for each end, each end
 * pinning the other's SHA-256 fingerprint ({@code peer-fingerprint}, no CA); or, for the seed's
 * legacy variant, one static key both ends share. Immutable and thread-safe.
 */
public sealed interface LinkKeys permits LinkKeys.Pinned, LinkKeys.StaticKey {

    /** How long a link certificate stays valid: ten years (nobody renews a pinned link by hand often). */
    Duration CERTIFICATE_VALIDITY = Duration.ofDays(3650);

    /**
     * One self-signed certificate and key per end, PEM, and their fingerprints as OpenVPN's
     * {@code peer-fingerprint} takes them ({@code AB:CD:...}, SHA-256 of the DER).
     */
    record Pinned(End gateway, End laptop) implements LinkKeys {
        public Pinned {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(laptop, "laptop");
        }
    }

    /** One end's certificate, private key and fingerprint. */
    record End(String certificatePem, String privateKeyPem, String fingerprint) {
        public End {
            Objects.requireNonNull(certificatePem, "certificatePem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            if (fingerprint == null || !fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}")) {
                throw new InvalidInputException("not a SHA-256 fingerprint: " + fingerprint);
            }
        }
    }

    /** The seed's shared static key, in the format {@code openvpn --genkey secret} writes. */
    record StaticKey(String key) implements LinkKeys {
        public StaticKey {
            if (key == null || !key.contains("-----BEGIN OpenVPN Static key V1-----")) {
                throw new IllegalArgumentException("not an OpenVPN static key");
            }
        }
    }

    /** Fresh keys for a link: pinned certificates, or the legacy static key. */
    static LinkKeys generate(LinkSpec spec, Clock clock, SecureRandom random) {
        if (spec.legacyStaticKey()) {
            return new StaticKey(TlsCryptKey.generate(random));
        }
        return new Pinned(selfSigned(commonName(spec.name(), "gateway"), clock, random),
                selfSigned(commonName(spec.name(), "laptop"), clock, random));
    }

    /**
     * A self-signed EC P-256 certificate. It is the CA code's self-signed certificate: with
     * {@code peer-fingerprint} OpenVPN checks nothing but the fingerprint, so a CA-shaped
     * certificate serves as well as a leaf (as {@code openssl req -x509}'s does in OpenVPN's manual).
     */
    private static End selfSigned(String commonName, Clock clock, SecureRandom random) {
        CertificateAuthority self = CertificateAuthority.create(KeyType.EC_P256, commonName, CERTIFICATE_VALIDITY, clock, random);
        return new End(self.certificatePem(), self.privateKeyPem(), self.fingerprintSha256());
    }

    /** {@code NAME-gateway}, or {@code link-gateway} when that would exceed a CN's 64 characters. */
    static String commonName(String name, String end) {
        String cn = name + "-" + end;
        return cn.length() <= 64 ? cn : "link-" + end;
    }
}
