package net.v6broker.openvpn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs files into one top folder of a tar.gz or zip, in memory, with Unix modes (keys and profiles
 * 0600, scripts 0755, the rest 0644). Stateless, thread-safe.
 */
final class Archive {
    static final int PRIVATE = 0600;
    static final int EXECUTABLE = 0755;
    static final int PUBLIC = 0644;
    private static final int REGULAR_FILE = 0100000;
    private static final int DIRECTORY = 040000;

    private Archive() {
    }

    /** One file of the archive, its path relative to the top folder. */
    record Entry(String name, byte[] content, int mode) {
        Entry {
            Safe.token("archive entry", name);
            Objects.requireNonNull(content, "content");
            if ((mode & ~0777) != 0) {
                throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " is not a permission mode");
            }
        }

        static Entry text(String name, String content, int mode) {
            return new Entry(name, content.getBytes(StandardCharsets.UTF_8), mode);
        }
    }

    static byte[] tarGz(String top, List<Entry> entries, Instant time) {
        Safe.token("archive folder", top);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry dir = new TarArchiveEntry(top + "/");
            dir.setMode(DIRECTORY | EXECUTABLE);
            dir.setModTime(Date.from(time));
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (Entry e : entries) {
                TarArchiveEntry t = new TarArchiveEntry(top + "/" + e.name());
                t.setMode(REGULAR_FILE | e.mode());
                t.setSize(e.content().length);
                t.setModTime(Date.from(time));
                tar.putArchiveEntry(t);
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("packing " + top + ".tar.gz in memory", e);
        }
        return bytes.toByteArray();
    }

    static byte[] zip(String top, List<Entry> entries, Instant time) {
        Safe.token("archive folder", top);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            ZipArchiveEntry dir = new ZipArchiveEntry(top + "/");
            dir.setUnixMode(DIRECTORY | EXECUTABLE);
            dir.setTime(time.toEpochMilli());
            zip.putArchiveEntry(dir);
            zip.closeArchiveEntry();
            for (Entry e : entries) {
                ZipArchiveEntry z = new ZipArchiveEntry(top + "/" + e.name());
                z.setUnixMode(REGULAR_FILE | e.mode());
                z.setTime(time.toEpochMilli());
                zip.putArchiveEntry(z);
                zip.write(e.content());
                zip.closeArchiveEntry();
            }
            zip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("packing " + top + ".zip in memory", e);
        }
        return bytes.toByteArray();
    }
}
