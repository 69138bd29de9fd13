package net.v6broker.openvpn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/** An archive read back: each entry's path, content and Unix mode (permission bits and type). */
public record Unpacked(Map<String, byte[]> content, Map<String, Integer> modes) {

    public String text(String path) {
        byte[] b = content.get(path);
        if (b == null) {
            throw new AssertionError("no " + path + " in " + content.keySet());
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    public int permissions(String path) {
        return modes.get(path) & 07777;
    }

    public static Unpacked tarGz(byte[] bytes) {
        Map<String, byte[]> content = new LinkedHashMap<>();
        Map<String, Integer> modes = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(bytes)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                content.put(e.getName(), e.isDirectory() ? new byte[0] : tar.readAllBytes());
                modes.put(e.getName(), e.getMode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Unpacked(Collections.unmodifiableMap(content), Collections.unmodifiableMap(modes));
    }

    public static Unpacked zip(byte[] bytes) {
        Map<String, byte[]> content = new LinkedHashMap<>();
        Map<String, Integer> modes = new LinkedHashMap<>();
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes)).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                content.put(e.getName(), zip.getInputStream(e).readAllBytes());
                modes.put(e.getName(), e.getUnixMode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Unpacked(Collections.unmodifiableMap(content), Collections.unmodifiableMap(modes));
    }

    /** Also checks the archive with java.util.zip, as Windows' own unzip would read it. */
    public static Map<String, byte[]> zipWithJdk(byte[] bytes) {
        Map<String, byte[]> content = new LinkedHashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(bytes))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                content.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return content;
    }
}
