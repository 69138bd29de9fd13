package net.v6broker.openvpn;

import net.v6broker.error.InvalidInputException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import net.v6broker.broker.Client;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientStatus;

/**
 * The server directories rendered from this home, and keeping them in step with the database.
 * {@code server config --out DIR} renders a whole directory and records it (with its layout) in
 * {@code <home>/server-dirs.json}; after each change the CLI calls {@link #clientChanged} and
 * {@link #crlChanged}, which rewrite or delete that one client's files, and copy the CRL, in every
 * recorded directory. Every file is written atomically; no file is left for a client that is not
 * active.
 *
 * <p>Thread-safe and safe across processes: a JVM-wide monitor and a file lock in the home serialise
 * every read of the database's state and the writes that follow it, so the last writer always
 * writes the newest state.
 */
public final class ServerDirs {
    static final String REGISTRY = "server-dirs.json";
    static final String UNIT_TEMPLATE = "v6broker-openvpn@.service";
    static final String UNITS = "units.txt";
    static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** The registry is read with the streaming parser: every client change reads it (decisions.md, 17). */
    private static final JsonFactory JSON = new JsonFactory();
    private static final Object JVM_LOCK = new Object();

    private final Home home;
    private final Site site;
    private final java.util.function.Supplier<String> tlsCryptV2Key;

    /**
     * @param tlsCryptV2Key the broker's tls-crypt-v2 server key, asked for when a directory is
     *                      rendered (it lives in the database: {@code ControlKeys.serverKey})
     */
    public ServerDirs(Home home, BrokerConfig config, java.util.function.Supplier<String> tlsCryptV2Key) {
        this.home = home;
        this.site = Site.of(config);
        this.tlsCryptV2Key = tlsCryptV2Key;
    }

    /** For what needs no server key: the registry of rendered directories, client files and the CRL. */
    public ServerDirs(Home home, BrokerConfig config) {
        this(home, config, () -> {
            throw new IllegalStateException("rendering a server directory needs the tls-crypt-v2 server key");
        });
    }

    /** A rendered directory as recorded in the home. */
    public record Recorded(Path path, Layout layout) {
    }

    /** What {@link #render} did: active clients, files written because they differed, stale files removed. */
    public record Rendered(Path dir, Layout layout, int clients, int written, int removed) {
    }

    /** One file to write: its text and mode. */
    private record Content(String text, Set<PosixFilePermission> mode) {
    }

    /** The on-disk form of {@link Recorded}. */
    record Entry(String path, String layout) {
    }

    /** The directory the daemon renders and runs OpenVPN from in a layout: {@code HOME/openvpn} or {@code HOME/openvpn-per-client}. */
    public static Path daemonDirectory(Home home, Layout layout) {
        return home.dir().resolve(layout == Layout.SHARED ? "openvpn" : "openvpn-per-client");
    }

    /** The management socket of the shared-layout server rendered into {@code dir}: the one place that names it. */
    public static Path managementSocket(Path dir) {
        return Listener.UDP.managementSocket(dir);
    }

    /**
     * Refuses a home whose path OpenVPN's config files could not name: the daemon renders
     * {@code HOME/openvpn} (paths written into server.conf, which allow no spaces or quotes here) with
     * its management socket at {@code HOME/openvpn/run/management.sock} (a Unix socket path of at
     * most {@value Safe#MAX_SOCKET_PATH} bytes). Checked at {@code init}, so that such a home is never
     * made and then refused by {@code serve}.
     */
    public static void requireRenderableHome(Path home) {
        try {
            Safe.socketPath("management socket", managementSocket(daemonDirectory(new Home(home), Layout.PER_CLIENT)));
        } catch (UnsafeValueException e) {
            throw new InvalidInputException("cannot use " + Validation.quote(home.toAbsolutePath().normalize().toString())
                    + " as a broker home: its path goes into OpenVPN's config files, which accept only letters, digits and "
                    + ". _ : / @ + - there, and its management socket path must fit 107 bytes (" + e.getMessage() + ")");
        }
    }

    // ---- rendering a whole directory

    /**
     * Brings {@code dir} in step with the active ones among {@code clients}: every file is rendered
     * and compared with what is there, and only one that differs is written; files this broker wrote
     * earlier for clients that are no longer active are removed; the directory is recorded. The
     * server-wide files are rendered before the first write, so a refused setting or port leaves the
     * directory untouched. In the per-client layout {@code clients} is walked twice: once to render
     * every file without writing (a client's port can be refused: above 65535), then to render,
     * compare and write; a shared-layout client file holds only the client's validated name and its
     * addresses, so one walk does. Memory holds the active clients' names, never their files.
     */
    public Rendered render(Path dir, Layout layout, Iterable<Client> clients) {
        Path d = Path.of(Safe.path("server directory", dir));
        return locked(() -> {
            for (Recorded r : readRegistry()) {
                if (r.path().equals(d) && r.layout() != layout) {
                    throw new LayoutConflictException(d + " holds the " + r.layout().cliName() + " layout; render the "
                            + layout.cliName() + " layout into another directory (or 'v6broker server forget " + d
                            + "' and empty it first)");
                }
            }
            Map<String, Content> files = new LinkedHashMap<>();
            if (layout == Layout.SHARED) {
                files.put("server.conf", new Content(ServerConfigs.shared(site, d), Home.PUBLIC));
                for (Listener l : Listener.enabled(site.openvpn())) {
                    if (l != Listener.UDP) {
                        files.put(l.configFile(), new Content(ServerConfigs.beside(site, d, l), Home.PUBLIC));
                        files.put(ServerConfigs.LISTENER_ROUTES, new Content(ServerConfigs.listenerRoutes(d), EXECUTABLE));
                    }
                }
            }
            files.putAll(sharedFiles(d));
            if (layout == Layout.PER_CLIENT) { // a shared-layout client file holds nothing that can be refused
                for (Client c : clients) {
                    if (c.status() == ClientStatus.ACTIVE) {
                        clientFiles(layout, d, c);
                    }
                }
            }
            try {
                Files.createDirectories(d);
                if (layout == Layout.SHARED) {
                    Files.createDirectories(d.resolve("ccd"));
                    Path run = d.resolve("run");
                    Files.createDirectories(run);
                    Files.setPosixFilePermissions(run, OWNER_ONLY_DIR);
                    if (Listener.enabled(site.openvpn()).size() > 1) {
                        Files.createDirectories(run.resolve("listener-routes"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("creating server directory " + d, e);
            }
            int written = 0;
            for (Map.Entry<String, Content> f : files.entrySet()) {
                written += write(d.resolve(f.getKey()), f.getValue());
            }
            Set<String> active = new TreeSet<>();
            for (Client c : clients) {
                if (c.status() != ClientStatus.ACTIVE) {
                    continue;
                }
                active.add(c.name());
                for (Map.Entry<String, Content> f : clientFiles(layout, d, c).entrySet()) {
                    written += write(d.resolve(f.getKey()), f.getValue());
                }
            }
            if (layout == Layout.PER_CLIENT) {
                written += write(d.resolve(UNIT_TEMPLATE), new Content(ServerConfigs.unitTemplate(d), Home.PUBLIC));
                written += write(d.resolve(UNITS), new Content(ServerConfigs.units(active), Home.PUBLIC));
            }
            int removed = sweep(d, layout, active);
            written += site.openvpn().verifyRevokedKeys() ? syncRevoked(d, home.read(home.crl())) : removeVerifyHook(d);
            List<Listener> on = layout == Layout.SHARED ? Listener.enabled(site.openvpn()) : List.of();
            for (Listener l : Listener.besideServer()) {
                if (!on.contains(l)) {
                    removed += removeRendered(d, l.configFile());
                }
            }
            if (on.size() < 2) {
                removed += removeRendered(d, ServerConfigs.LISTENER_ROUTES);
            }
            record(d, layout);
            return new Rendered(d, layout, active.size(), written, removed);
        });
    }

    /** The paths in a directory of a client's files in a layout: its up script before its config. */
    private static List<String> clientFileNames(Layout layout, String name) {
        String file = fileName(name);
        return layout == Layout.SHARED ? List.of("ccd/" + file) : List.of(file + ".up", file + ".conf");
    }

    /** An active client's files in a layout, by their path in the directory, in the order of {@link #clientFileNames}. */
    private Map<String, Content> clientFiles(Layout layout, Path d, Client c) {
        List<String> names = clientFileNames(layout, c.name());
        if (layout == Layout.SHARED) {
            return Map.of(names.get(0), new Content(ServerConfigs.ccd(site, c), Home.PUBLIC));
        }
        Map<String, Content> files = new LinkedHashMap<>();
        files.put(names.get(0), new Content(ServerConfigs.perClientUp(site, c), EXECUTABLE));
        files.put(names.get(1), new Content(ServerConfigs.perClient(site, c, d), Home.PUBLIC));
        return files;
    }

    /** Writes {@code c} to {@code f} unless {@code f} holds exactly that already; 1 if it wrote. */
    private static int write(Path f, Content c) {
        return Home.writeIfChanged(f, c.text(), c.mode()) ? 1 : 0;
    }

    /** The copies every layout reads: CA, server certificate and key, tls-crypt keys (v1 and v2), CRL. */
    private Map<String, Content> sharedFiles(Path d) {
        Map<String, Content> files = new LinkedHashMap<>();
        files.put("ca.crt", new Content(home.read(home.caCertificate()), Home.PUBLIC));
        files.put("server.crt", new Content(home.read(home.serverCertificate()), Home.PUBLIC));
        files.put("server.key", new Content(home.read(home.serverKey()), Home.PRIVATE));
        files.put("tls-crypt.key", new Content(home.read(home.tlsCryptKey()), Home.PRIVATE));
        files.put("tls-crypt-v2.key", new Content(tlsCryptV2Key.get(), Home.PRIVATE));
        if (site.openvpn().verifyRevokedKeys()) {
            files.put(ServerConfigs.VERIFY_SCRIPT, new Content(ServerConfigs.tlsCryptV2Verify(d), EXECUTABLE));
        }
        files.put("crl.pem", new Content(home.read(home.crl()), Home.PUBLIC));
        return files;
    }

    /** Deletes files this broker rendered (first line carries the mark) for clients not in {@code active}. */
    private static int sweep(Path d, Layout layout, Set<String> active) {
        int removed = 0;
        Path where = layout == Layout.SHARED ? d.resolve("ccd") : d;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(where)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String client = layout == Layout.SHARED ? file
                        : file.endsWith(".conf") ? file.substring(0, file.length() - 5)
                        : file.endsWith(".up") ? file.substring(0, file.length() - 3) : null;
                if (client == null || !Validation.NAME.matcher(client).matches() || active.contains(client)
                        || !Files.isRegularFile(f) || !renderedHere(f)) {
                    continue;
                }
                Files.delete(f);
                removed++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing stale client files from " + where, e);
        }
        return removed;
    }

    private static boolean renderedHere(Path f) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 2; i++) {
                String line = r.readLine();
                if (line != null && line.startsWith("# " + ServerConfigs.MARK)) {
                    return true;
                }
            }
            return false;
        } catch (java.nio.charset.MalformedInputException e) {
            return false;
        }
    }

    // ---- keeping recorded directories in step

    /**
     * Brings the files of these clients, in every recorded directory, to the state given: rewritten
     * for an active client, deleted for one that is suspended, revoked or gone (empty). The caller
     * orders concurrent changes (the effect applier's lock), so the state given is the newest.
     */
    public void clientsChanged(Map<String, Optional<Client>> clients) {
        if (clients.isEmpty()) {
            return;
        }
        locked(() -> {
            List<Recorded> dirs = readRegistry();
            for (Recorded r : dirs) {
                Path d = r.path();
                if (!Files.isDirectory(d)) {
                    continue; // removed by its owner: nothing to keep in step
                }
                for (Map.Entry<String, Optional<Client>> e : clients.entrySet()) {
                    Optional<Client> client = e.getValue().filter(c -> c.status() == ClientStatus.ACTIVE);
                    if (client.isPresent()) {
                        clientFiles(r.layout(), d, client.get()).forEach((name, c) -> Home.writeAtomically(d.resolve(name),
                                c.text(), c.mode()));
                    } else {
                        for (String name : clientFileNames(r.layout(), e.getKey())) {
                            delete(d.resolve(name));
                        }
                    }
                    if (r.layout() == Layout.PER_CLIENT) {
                        updateUnits(d, fileName(e.getKey()), client.isPresent());
                    }
                }
            }
            return null;
        });
    }

    /**
     * Writes the home's CA certificates, server certificate and key into every recorded directory
     * (after a renewal or a CA rollover step), the key before its certificate.
     */
    public void serverFilesChanged() {
        locked(() -> {
            for (Recorded r : readRegistry()) {
                if (Files.isDirectory(r.path())) {
                    Home.writeAtomically(r.path().resolve("ca.crt"), home.read(home.caCertificate()), Home.PUBLIC);
                    Home.writeAtomically(r.path().resolve("server.key"), home.read(home.serverKey()), Home.PRIVATE);
                    Home.writeAtomically(r.path().resolve("server.crt"), home.read(home.serverCertificate()), Home.PUBLIC);
                }
            }
            return null;
        });
    }

    /** Writes this CRL into every recorded directory. */
    public void crlChanged(String crlPem) {
        locked(() -> {
            for (Recorded r : readRegistry()) {
                if (Files.isDirectory(r.path())) {
                    Home.writeAtomically(r.path().resolve("crl.pem"), crlPem, Home.PUBLIC);
                    if (site.openvpn().verifyRevokedKeys()) {
                        syncRevoked(r.path(), crlPem);
                    }
                }
            }
            return null;
        });
    }

    /**
     * {@code DIR/revoked/}: an empty file named after each serial the CRL revokes (hex, as
     * certificates carry it), which the tls-crypt-v2 verify hook looks for before any TLS; files of
     * serials no longer on the CRL (expired certificates) are removed. How many files it changed.
     */
    private static int syncRevoked(Path d, String crlPem) {
        Path dir = d.resolve("revoked");
        Set<String> wanted = new TreeSet<>();
        java.util.Set<? extends java.security.cert.X509CRLEntry> entries = net.v6broker.ca.Pem.readCrl(crlPem).getRevokedCertificates();
        if (entries != null) {
            for (java.security.cert.X509CRLEntry e : entries) {
                wanted.add(net.v6broker.broker.Serials.hex(e.getSerialNumber()));
            }
        }
        int changed = 0;
        try {
            Files.createDirectories(dir);
            Set<String> present = new TreeSet<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    present.add(f.getFileName().toString());
                }
            }
            for (String s : wanted) {
                if (!present.contains(s)) {
                    Files.createFile(dir.resolve(s));
                    changed++;
                }
            }
            for (String s : present) {
                if (!wanted.contains(s)) {
                    Files.delete(dir.resolve(s));
                    changed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("keeping " + dir + " in step with the CRL", e);
        }
        return changed;
    }

    /** Deletes those of {@code names} in {@code d} that this broker rendered; how many. */
    private static int removeRendered(Path d, String... names) {
        int removed = 0;
        try {
            for (String name : names) {
                Path f = d.resolve(name);
                if (Files.isRegularFile(f) && renderedHere(f)) {
                    Files.delete(f);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing files from " + d, e);
        }
        return removed;
    }

    /**
     * With {@code openvpn.verifyRevokedKeys} off, the hook's files of an earlier render go: its
     * script (when it carries our mark) and {@code DIR/revoked/}. How many files it removed.
     */
    private static int removeVerifyHook(Path d) {
        int removed = 0;
        try {
            Path script = d.resolve(ServerConfigs.VERIFY_SCRIPT);
            if (Files.isRegularFile(script) && renderedHere(script)) {
                Files.delete(script);
                removed++;
            }
            Path revoked = d.resolve("revoked");
            if (Files.isDirectory(revoked)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(revoked)) {
                    for (Path f : files) {
                        Files.delete(f);
                        removed++;
                    }
                }
                Files.delete(revoked);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the tls-crypt-v2 verify hook from " + d, e);
        }
        return removed;
    }

    private static void updateUnits(Path d, String name, boolean present) {
        Path units = d.resolve(UNITS);
        Set<String> names = new TreeSet<>();
        try {
            if (Files.exists(units)) {
                for (String line : Files.readAllLines(units, StandardCharsets.UTF_8)) {
                    if (line.startsWith("v6broker-openvpn@") && line.endsWith(".service")) {
                        names.add(line.substring("v6broker-openvpn@".length(), line.length() - ".service".length()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + units, e);
        }
        boolean changed = present ? names.add(name) : names.remove(name);
        if (changed || !Files.exists(units)) {
            Home.writeAtomically(units, ServerConfigs.units(names), Home.PUBLIC);
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + f, e);
        }
    }

    /** A client's name as a file name: the client-name whitelist, so no '/' or leading '.' gets through. */
    private static String fileName(String name) {
        return Validation.name(name);
    }

    // ---- the registry

    /** The recorded directories. */
    public List<Recorded> recorded() {
        return locked(this::readRegistry);
    }

    /** Stops keeping {@code dir} in step; its files stay. Returns false if it was not recorded. */
    public boolean forget(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return locked(() -> {
            List<Recorded> all = new ArrayList<>(readRegistry());
            boolean removed = all.removeIf(r -> r.path().equals(d));
            if (removed) {
                writeRegistry(all);
            }
            return removed;
        });
    }

    private void record(Path d, Layout layout) {
        List<Recorded> all = new ArrayList<>(readRegistry());
        all.removeIf(r -> r.path().equals(d));
        all.add(new Recorded(d, layout));
        writeRegistry(all);
    }

    private List<Recorded> readRegistry() {
        Path file = home.dir().resolve(REGISTRY);
        if (!Files.exists(file)) {
            return List.of();
        }
        try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
            List<Recorded> out = new ArrayList<>();
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("not a JSON list");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String path = null;
                String layout = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING || !(key.equals("path") || key.equals("layout"))) {
                        throw new IllegalArgumentException("unexpected '" + key + "' at line " + p.currentLocation().getLineNr());
                    }
                    if (key.equals("path")) {
                        path = p.getText();
                    } else {
                        layout = p.getText();
                    }
                }
                if (path == null || layout == null) {
                    throw new IllegalArgumentException("an entry without path or layout");
                }
                out.add(new Recorded(Path.of(path), Layout.parse(layout)));
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException("unexpected " + p.currentToken() + " in the list");
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            throw new net.v6broker.config.HomeException("bad " + file + ": " + e.getMessage()
                    + " (a JSON list of {\"path\", \"layout\"}; delete it to forget every server directory)");
        }
    }

    private void writeRegistry(List<Recorded> all) {
        List<Entry> entries = all.stream().map(r -> new Entry(r.path().toString(), r.layout().cliName())).toList();
        Home.writeAtomically(home.dir().resolve(REGISTRY), Home.toJson(entries), Home.PUBLIC);
    }

    private <T> T locked(Supplier<T> action) {
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(home.dir().resolve(".server-dirs.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return action.get();
            } catch (IOException e) {
                throw new UncheckedIOException("locking " + home.dir().resolve(".server-dirs.lock"), e);
            }
        }
    }
}
