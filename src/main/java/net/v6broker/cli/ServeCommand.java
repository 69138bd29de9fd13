package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.List;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.HomeException;
import net.v6broker.config.Validation;
import net.v6broker.daemon.Daemon;
import net.v6broker.web.HttpServices;
import net.v6broker.openvpn.Layout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the broker daemon: openvpn, client files, CRL, sessions, HTTP.")
final class ServeCommand implements Runnable {
    private final Context context;

    @Option(names = "--http", defaultValue = "127.0.0.1:8080", paramLabel = "ADDR:PORT",
            description = "Where the HTTP API listens (default 127.0.0.1:8080; port 0 picks a free one).")
    String http;
    @Option(names = "--no-openvpn", description = "Do not start or supervise openvpn (it runs elsewhere, e.g. its own unit).")
    boolean noOpenvpn;
    @Option(names = "--layout", defaultValue = "shared", paramLabel = "shared|per-client")
    String layout;
    @Option(names = "--node", paramLabel = "NAME", description = "This tunnel server's name (default: the host name).")
    String node;
    @Option(names = "--stop-openvpn-on-exit", description = "Stop openvpn too when the daemon stops (default: tunnels keep running).")
    boolean stopOpenvpn;
    @Option(names = "--allow-insecure-permissions",
            description = "Serve even when others may read the home's keys or database, or write into the home.")
    boolean allowInsecure;

    ServeCommand(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        Layout l = Layout.parse(layout);
        String nodeName = node != null ? Validation.name(node) : defaultNode();
        InetSocketAddress listen = parseListen(http);
        BrokerConfig config = context.config();
        refuseInsecureHome();
        boolean runOpenvpn = !noOpenvpn;
        if (runOpenvpn && !onPath("openvpn") && !install()) {
            context.err.println("v6broker: openvpn is not installed (Debian: apt-get install openvpn); serving without it: "
                    + "client files and the CRL are kept in step, no tunnels run here");
            runOpenvpn = false;
        }
        Daemon daemon = new Daemon(context.home(), config, context.store(), context.broker(), context.clock, context.random(),
                new Daemon.Options(l, runOpenvpn, nodeName, stopOpenvpn));
        daemon.start();
        net.v6broker.web.BrokerHttp server;
        try {
            server = net.v6broker.web.BrokerHttp.start(listen.getHostString(), listen.getPort(),
                    HttpServices.of(context.home(), config, context.store(), context.broker(), context.clock, context.random(),
                            net.v6broker.api.Limits.defaults(), () -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        List<String> problems = daemon.problems();
                        body.put("status", problems.isEmpty() ? "ok" : "degraded");
                        if (!problems.isEmpty()) {
                            body.put("problems", problems);
                        }
                        body.put("node", nodeName);
                        body.put("layout", l.cliName());
                        body.put("lastStatusPoll", daemon.lastStatus().map(Object::toString).orElse(null));
                        return body;
                    }));
        } catch (RuntimeException e) {
            daemon.close();
            throw new UncheckedIOException("cannot listen on " + http, e instanceof UncheckedIOException u ? u.getCause()
                    : new IOException(e.getMessage(), e));
        }
        context.err.printf("v6broker serving %s (%s layout, node %s); HTTP on %s:%d%n", context.home().dir(), l.cliName(),
                nodeName, listen.getHostString(), server.port());
        context.err.flush();
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
    }

    /** Refuses to serve a home whose secrets anyone may read (each such file named), unless told to. */
    private void refuseInsecureHome() {
        List<Home.LoosePermission> serious = context.home().loosePermissions().stream().filter(Home.LoosePermission::serious)
                .toList();
        if (serious.isEmpty()) {
            return;
        }
        String files = String.join("; ", serious.stream().map(Home.LoosePermission::text).toList());
        if (!allowInsecure) {
            throw new HomeException("refusing to serve: anyone on this machine can read its secrets or write into the home: "
                    + files + ". Fix the modes, or pass --allow-insecure-permissions to serve anyway");
        }
        context.err.println("v6broker: warning: serving with insecure permissions (--allow-insecure-permissions): " + files);
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
    private boolean install() {
        if (!"root".equals(System.getProperty("user.name")) || !onPath("apt-get")) {
            return false;
        }
        context.err.println("v6broker: openvpn is not installed; installing it (apt-get update && apt-get install -y openvpn)");
        context.err.flush();
        for (List<String> cmd : List.of(List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y", "-qq", "openvpn"))) {
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                int code = pb.start().waitFor();
                if (code != 0) {
                    context.err.println("v6broker: '" + String.join(" ", cmd) + "' exited " + code);
                    return false;
                }
            } catch (IOException e) {
                context.err.println("v6broker: cannot run " + cmd.get(0) + ": " + e.getMessage());
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
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static String defaultNode() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName();
            return Validation.NAME.matcher(h).matches() ? h : "local";
        } catch (IOException e) {
            return "local";
        }
    }
}
