package net.v6broker.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import net.v6broker.error.InvalidInputException;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * A backup's envelope: an OpenPGP message (RFC 4880) encrypted with a passphrase, made and read by
 * Bouncy Castle's OpenPGP library. AES-256 with an integrity packet (MDC), the key derived by the
 * iterated and salted SHA-256 S2K at its largest count (65 MB hashed per try), the content
 * compressed with ZLIB. Standard on purpose: {@code gpg --decrypt} opens it too, without v6broker
 * (docs/decisions.md 30).
 */
final class Sealed {
    /** The S2K count byte: (16 + 15) << (15 + 6) = 65,011,712 bytes hashed, OpenPGP's maximum. */
    static final int S2K_COUNT = 0xff;
    static final String LITERAL_NAME = "v6broker-backup.json";

    private Sealed() {
    }

    /** A stream whose bytes end up encrypted in {@code out}; closing it finishes the message (and closes {@code out}). */
    static OutputStream seal(OutputStream out, char[] passphrase, SecureRandom random) throws IOException {
        try {
            PGPEncryptedDataGenerator encrypted = new PGPEncryptedDataGenerator(
                    new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true).setSecureRandom(random));
            encrypted.addMethod(new BcPBEKeyEncryptionMethodGenerator(passphrase,
                    new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256), S2K_COUNT).setSecureRandom(random));
            OutputStream e = encrypted.open(out, new byte[1 << 16]);
            PGPCompressedDataGenerator compressed = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB);
            OutputStream c = compressed.open(e);
            OutputStream l = new PGPLiteralDataGenerator().open(c, PGPLiteralData.BINARY, LITERAL_NAME, new Date(), new byte[1 << 16]);
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    l.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    l.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    l.close();
                    compressed.close();
                    e.close();
                    out.close();
                }
            };
        } catch (PGPException e) {
            throw new IOException("encrypting the backup: " + e.getMessage(), e);
        }
    }

    /** An opened backup: its content and, once the content has been read to its end, the integrity check. */
    interface Opened {
        InputStream content();

        /** Whether the integrity packet matches the content read; call after reading it all. */
        boolean intact() throws IOException;
    }

    /**
     * Opens a sealed backup. A wrong passphrase is refused here (OpenPGP's check bytes); damage is
     * found when the content or {@link Opened#intact} is read.
     */
    static Opened open(InputStream in, char[] passphrase, String file) throws IOException {
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(in));
            Object o = f.nextObject();
            if (!(o instanceof PGPEncryptedDataList list) || list.size() == 0 || !(list.get(0) instanceof PGPPBEEncryptedData pbe)) {
                throw new InvalidInputException(file + " is not a v6broker backup (no OpenPGP message encrypted with a passphrase); "
                        + "nothing was written");
            }
            if (!pbe.isIntegrityProtected()) {
                throw new InvalidInputException(file + " has no integrity check: v6broker writes backups with one; nothing was written");
            }
            InputStream clear;
            try {
                clear = pbe.getDataStream(new BcPBEDataDecryptorFactory(passphrase, new BcPGPDigestCalculatorProvider()));
            } catch (PGPException e) {
                // the key the passphrase gives does not open the session key: OpenPGP's check fails
                // (PGPDataValidationException), or the session key's algorithm byte is garbage
                throw new InvalidInputException("wrong passphrase for " + file + " (the key it gives does not open the "
                        + "backup); nothing was written");
            }
            Object inner = new BcPGPObjectFactory(clear).nextObject();
            if (!(inner instanceof PGPCompressedData compressed)) {
                throw damaged(file, "no compressed content");
            }
            Object literal = new BcPGPObjectFactory(compressed.getDataStream()).nextObject();
            if (!(literal instanceof PGPLiteralData data)) {
                throw damaged(file, "no literal content");
            }
            InputStream content = data.getInputStream();
            return new Opened() {
                @Override
                public InputStream content() {
                    return content;
                }

                @Override
                public boolean intact() throws IOException {
                    try {
                        return pbe.verify();
                    } catch (PGPException e) {
                        throw damaged(file, e.getMessage());
                    }
                }
            };
        } catch (PGPException | IOException | RuntimeException e) {
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            throw damaged(file, e.getMessage());
        }
    }

    static InvalidInputException damaged(String file, String why) {
        return new InvalidInputException("the backup " + file + " is damaged or truncated (" + why + "); nothing was written");
    }
}
