package net.v6broker.broker;

import java.time.Instant;
import java.util.Objects;
import net.v6broker.ca.IssuedCertificate;

/**
 * A client's newly issued certificate and private key, encoded as the database stores them. Made
 * where the certificate is issued (on the importer's issuing threads), so that the transaction
 * that stores it only writes.
 *
 * <p>Immutable.
 *
 * @param serial the serial as {@link Serials#hex} prints it
 */
public record Credentials(String serial, Instant notBefore, Instant notAfter, String certificatePem,
                          String privateKeyPem) {

    public Credentials {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    }

    static Credentials of(IssuedCertificate cert) {
        return new Credentials(Serials.hex(cert.serial()), cert.notBefore(), cert.notAfter(), cert.certificatePem(),
                cert.privateKeyPem());
    }
}
