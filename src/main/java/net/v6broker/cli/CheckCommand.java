package net.v6broker.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.broker.Client;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.doctor.KernelRoutes;
import net.v6broker.doctor.Consistency;
import net.v6broker.doctor.CrlFile;
import net.v6broker.doctor.Mismatch;
import net.v6broker.doctor.ServerView;
import net.v6broker.doctor.UpstreamNeighbours;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.Listener;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.openvpn.management.Command;
import net.v6broker.openvpn.management.ManagementClient;
import net.v6broker.openvpn.management.ManagementException;
import net.v6broker.openvpn.management.Message;
import net.v6broker.store.ClientQuery;
import net.v6broker.store.CrlRow;
import net.v6broker.store.SessionRow;

/** {@code check}: on a tunnel server, the database against the kernel's routes, OpenVPN's view and the CRL. */
final class CheckCommand {
    static final Duration MANAGEMENT_TIMEOUT = Duration.ofSeconds(3);

    private CheckCommand() {
    }

    static Spec spec(Context c) {
        return Spec.command("check", a -> check(c, a), "On a tunnel server: compare the database (clients, statuses, prefixes, live",
                "sessions) with the kernel's routes, OpenVPN's own view over its management",
                "interface (while the daemon holds that connection: the sessions the daemon",
                "recorded) and the CRL. Prints every mismatch: a route with no session, a",
                "session with no route, a revoked or suspended client still connected, a CRL",
                "near expiry or stale on disk. Exit status 0: all consistent, 1: mismatches.")
                .option("--node", "NAME", null, "This tunnel server's name, as serve --node (default: the host name).")
                .option("--layout", "shared|per-client", "shared", "The layout this server runs (default: shared).")
                .option("--management", "SOCKET", null, "OpenVPN's management socket (default: the daemon's, "
                        + "HOME/openvpn/run/management.sock, else that of a recorded shared server directory).");
    }

    private static int check(Context c, Spec.Args a) {
        Layout l = Layout.parse(a.value("--layout"));
        String nodeName = ServeCommand.node(a.value("--node"));
        BrokerConfig config = c.config();
        Iterable<Client> clients = c.broker().walk(ClientQuery.ALL);
        List<SessionRow> sessions = c.store().read(tx -> tx.liveSessions());
        ServerView server = l == Layout.SHARED ? serverView(c, config, a.path("--management")) : null;
        if (l == Layout.PER_CLIENT) {
            c.out.println("sessions: the per-client layout has no management interface; using the database's");
        }
        KernelRoutes routes = KernelRoutes.read();
        CrlRow crl = c.store().read(tx -> tx.latestCrl()).orElse(null);
        List<CrlFile> files = new ArrayList<>();
        files.add(CrlFile.read(c.home().crl()));
        for (ServerDirs.Recorded r : new ServerDirs(c.home(), config).recorded()) {
            if (Files.isDirectory(r.path())) {
                files.add(CrlFile.read(r.path().resolve("crl.pem")));
            }
        }
        List<Mismatch> found = new ArrayList<>(Consistency.check(new Consistency.Inputs(config.plan(), l, nodeName, clients,
                server, sessions, routes, crl, files, config.ca().crlDays(), c.clock.instant())));
        if (config.upstream().onLink()) {
            found.addAll(UpstreamNeighbours.read(config.upstream().interfaceName()).check(c.broker().plan(),
                    c.broker().walk(ClientQuery.ALL)));
        }
        for (String w : net.v6broker.api.CertificateWarnings.of(c.home().read(c.home().caCertificate()),
                c.home().read(c.home().serverCertificate()), c.clock.instant(), config.ca())) {
            found.add(new Mismatch("certificates", w, "see docs/operator-guide.md"));
        }
        c.permissionsReported = true;
        for (Home.LoosePermission p : c.home().loosePermissions()) {
            found.add(new Mismatch(p.file().toString(), "mode " + p.mode() + ", expected " + p.expected(), p.fix()));
        }
        c.out.printf("checked %d client(s), %d live session(s) (%s), %d kernel route(s), CRL %s on node %s%n",
                c.broker().counts().total(), server != null ? server.sessions().size()
                        : sessions.stream().filter(s -> s.node().equals(nodeName)).count(),
                server != null ? "OpenVPN's management interface" : "the database", routes.routes().size(),
                crl == null ? "none" : "#" + crl.number() + " (next update " + crl.nextUpdate() + ")", nodeName);
        found.forEach(m -> c.out.println(m.line()));
        c.out.println(found.isEmpty() ? "all consistent" : found.size() + " mismatch(es)");
        return found.isEmpty() ? 0 : 1;
    }

    /**
     * OpenVPN's view, or null (with the reason printed) when its management interface can't be asked;
     * with instances beside the server (their sockets next to its), all their views together.
     */
    private static ServerView serverView(Context c, BrokerConfig config, Path management) {
        Path socket = management != null ? management : defaultSocket(c, config);
        if (socket == null) {
            c.out.println("sessions: no management socket found (is openvpn running?); using the sessions the daemon "
                    + "recorded in the database");
            return null;
        }
        ServerView udp = serverView(c, socket);
        if (udp == null || management != null) {
            return udp;
        }
        List<net.v6broker.openvpn.management.Session> sessions = new ArrayList<>(udp.sessions());
        List<ServerView.Route> routes = new ArrayList<>(udp.routes());
        for (Listener l : Listener.besideServer()) {
            Path beside = socket.resolveSibling(l.managementSocket(Path.of("")).getFileName());
            if (Files.exists(beside)) {
                ServerView other = serverView(c, beside);
                if (other == null) {
                    return null;
                }
                sessions.addAll(other.sessions());
                routes.addAll(other.routes());
            }
        }
        return new ServerView(sessions, routes);
    }

    private static ServerView serverView(Context c, Path socket) {
        try (ManagementClient m = ManagementClient.connect(socket, MANAGEMENT_TIMEOUT, message -> { })) {
            Message reply = m.send(Command.status());
            if (reply instanceof Message.Block b) {
                c.out.println("sessions: from OpenVPN's management interface " + socket);
                return ServerView.parse(b);
            }
            c.out.println("sessions: OpenVPN answered 'status 3' with " + reply + "; using the database's");
            return null;
        } catch (ManagementException e) {
            c.out.println("sessions: the management interface " + socket + " is busy or not answering (the daemon holds "
                    + "the only connection while it runs): using the sessions the daemon recorded in the database ("
                    + e.getMessage() + ")");
            return null;
        }
    }

    private static Path defaultSocket(Context c, BrokerConfig config) {
        Path daemons = ServerDirs.managementSocket(ServerDirs.daemonDirectory(c.home(), Layout.SHARED));
        if (Files.exists(daemons)) {
            return daemons;
        }
        for (ServerDirs.Recorded r : new ServerDirs(c.home(), config).recorded()) {
            Path s = ServerDirs.managementSocket(r.path());
            if (r.layout() == Layout.SHARED && Files.exists(s)) {
                return s;
            }
        }
        return null;
    }
}
