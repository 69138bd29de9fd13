package net.v6broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import net.v6broker.api.Limits;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;
import net.v6broker.config.Validation;
import net.v6broker.daemon.Daemon;
import net.v6broker.error.InvalidInputException;
import net.v6broker.openvpn.Layout;
import net.v6broker.web.BrokerHttp;
import net.v6broker.web.HttpServices;

/** {@code serve}: the daemon beside openvpn, and the HTTP API and web UI. */
final class ServeCommand {
    private ServeCommand() {
    }

    static Spec spec(Context c) {
        return Spec.command(Cli.DAEMON, a -> serve(c, a),
                "Run the broker daemon: openvpn, client files, CRL, sessions, HTTP.")
                .option("--http", "ADDR:PORT", "127.0.0.1:8080",
                        "Where the HTTP API listens (default 127.0.0.1:8080; port 0 picks a free one).")
                .flag("--no-openvpn", "Do not start or supervise openvpn (it runs elsewhere, e.g. its own unit).")
                .option("--layout", "shared|per-client", "shared")
                .option("--node", "NAME", null, "This tunnel server's name (default: the host name).")
                .flag("--stop-openvpn-on-exit", "Stop openvpn too when the daemon stops (default: tunnels keep running).")
                .flag("--allow-insecure-permissions",
                        "Serve even when others may read the home's keys or database, or write into the home.");
    }

    private static int serve(Context c, Spec.Args a) {
        Layout l = Layout.parse(a.value("--layout"));
        String nodeName = node(a.value("--node"));
        String http = a.value("--http");
        InetSocketAddress listen = parseListen(http);
        BrokerConfig config = c.config();
        refuseInsecureHome(c, a.flag("--allow-insecure-permissions"));
        boolean runOpenvpn = !a.flag("--no-openvpn");
        if (runOpenvpn && !onPath("openvpn") && !install(c)) {
            c.err.println("v6broker: openvpn is not installed (Debian: apt-get install openvpn); serving without it: "
                    + "client files and the CRL are kept in step, no tunnels run here");
            runOpenvpn = false;
        }
        Daemon daemon = new Daemon(c.home(), config, c.store(), c.broker(), c.clock, c.random(),
                new Daemon.Options(l, runOpenvpn, nodeName, a.flag("--stop-openvpn-on-exit")));
        daemon.lock();
        BrokerHttp server;
        try {
            server = BrokerHttp.start(listen.getHostString(), listen.getPort(),
                    HttpServices.of(c.home(), config, c.store(), c.broker(), c.clock, c.random(), Limits.defaults(), () -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        List<String> problems = daemon.problems();
                        body.put("status", problems.isEmpty() ? "ok" : "degraded");
                        if (!problems.isEmpty()) {
                            body.put("problems", problems);
                        }
                        body.put("node", nodeName);
                        body.put("layout", l.cliName());
                        body.put("reconciled", daemon.reconciled());
                        body.put("lastStatusPoll", daemon.lastStatus().map(Object::toString).orElse(null));
                        return body;
                    }, nodeName, daemon::facts));
        } catch (RuntimeException e) {
            daemon.close();
            throw new UncheckedIOException("cannot listen on " + http, e instanceof UncheckedIOException u ? u.getCause()
                    : new IOException(e.getMessage(), e));
        }
        // HTTP answers while the daemon reconciles (at 100,000 clients that takes seconds): health says
        // "reconciled": false until it is done
        c.err.printf("v6broker: listening on %s:%d; reconciling %s%n", listen.getHostString(), server.port(), daemon.serverDir());
        c.err.flush();
        try {
            daemon.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        c.err.printf("v6broker serving %s (%s layout, node %s); HTTP on %s:%d%n", c.home().dir(), l.cliName(),
                nodeName, listen.getHostString(), server.port());
        c.err.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            daemon.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }

    /** This tunnel server's name: as given ({@code --node}), else the host name if it is a valid name, else "local". */
    static String node(String given) {
        if (given != null) {
            return Validation.name(given);
        }
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return Validation.NAME.matcher(h).matches() ? h : "local";
        } catch (IOException e) {
            return "local";
        }
    }

    /** Refuses to serve a home whose secrets anyone may read (each such file named), unless told to. */
    private static void refuseInsecureHome(Context c, boolean allowInsecure) {
        List<Home.LoosePermission> serious = c.home().loosePermissions().stream().filter(Home.LoosePermission::serious).toList();
        if (serious.isEmpty()) {
            return;
        }
        String files = String.join("; ", serious.stream().map(Home.LoosePermission::text).toList());
        if (!allowInsecure) {
            throw new HomeException("refusing to serve: anyone on this machine can read its secrets or write into the home: "
                    + files + ". Fix the modes, or pass --allow-insecure-permissions to serve anyway");
        }
        c.err.println("v6broker: warning: serving with insecure permissions (--allow-insecure-permissions): " + files);
    }

    static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            throw new InvalidInputException("--http '" + text + "': expected ADDR:PORT, e.g. 127.0.0.1:8080");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        Validation.host(host);
        String port = text.substring(colon + 1);
        return new InetSocketAddress(host, port.equals("0") ? 0 : Validation.parsePort("--http port", port));
    }

    /**
     * Installs openvpn from Debian's packages, as {@code ./run-tests} does, when it is missing and this
     * runs as root on a machine with apt-get: the README's first command then serves tunnels on a
     * fresh machine. Says what it does; true once openvpn is on the path.
     */
    private static boolean install(Context c) {
        if (!"root".equals(System.getProperty("user.name")) || !onPath("apt-get")) {
            return false;
        }
        c.err.println("v6broker: openvpn is not installed; installing it (apt-get update && apt-get install -y openvpn)");
        c.err.flush();
        for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y", "-qq", "openvpn"))) {
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                int code = pb.start().waitFor();
                if (code != 0) {
                    c.err.println("v6broker: '" + String.join(" ", cmd) + "' exited " + code);
                    return false;
                }
            } catch (IOException e) {
                c.err.println("v6broker: cannot run " + cmd.get(0) + ": " + e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return onPath("openvpn");
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
