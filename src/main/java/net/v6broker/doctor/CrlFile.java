package net.v6broker.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.Objects;
import net.v6broker.ca.CaException;
import net.v6broker.ca.Pem;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;

/**
 * A CRL file OpenVPN reads ({@code ca/crl.pem} of the home, {@code crl.pem} of a server
 * directory), as found on disk: its CRL number, or what is wrong with it. Immutable.
 *
 * @param number  the file's CRL number; null when the file is missing or unreadable
 * @param problem why it could not be read; null when it was
 */
public record CrlFile(Path path, Long number, String problem) {
    public CrlFile {
        Objects.requireNonNull(path, "path");
        if ((number == null) == (problem == null)) {
            throw new IllegalArgumentException("a CRL file has a number or a problem: " + path);
        }
    }

    /** Reads a CRL file's number, or what keeps it from being read. */
    public static CrlFile read(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new CrlFile(file, null, "is missing: OpenVPN with crl-verify refuses every client");
        } catch (IOException e) {
            return new CrlFile(file, null, "cannot be read: " + e.getMessage());
        }
        try {
            X509CRL crl = Pem.readCrl(pem);
            byte[] ext = crl.getExtensionValue("2.5.29.20");
            if (ext == null) {
                return new CrlFile(file, null, "has no CRL number: it was not issued by this broker");
            }
            long number = ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getValue().longValueExact();
            return new CrlFile(file, number, null);
        } catch (CaException | IllegalArgumentException | ArithmeticException e) {
            return new CrlFile(file, null, "is not a readable CRL: " + e.getMessage());
        }
    }
}
