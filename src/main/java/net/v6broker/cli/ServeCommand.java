package net.v6broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Validation;
import net.v6broker.daemon.Daemon;
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

    ServeCommand(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        Layout l = Layout.parse(layout);
        String nodeName = node != null ? Validation.name(node) : defaultNode();
        InetSocketAddress listen = parseListen(http);
        BrokerConfig config = context.config();
        boolean runOpenvpn = !noOpenvpn;
        if (runOpenvpn && !onPath("openvpn")) {
            context.err.println("v6broker: openvpn is not installed (Debian: apt-get install openvpn); serving without it: "
                    + "client files and the CRL are kept in step, no tunnels run here");
            runOpenvpn = false;
        }
        Daemon daemon = new Daemon(context.home(), config, context.store(), context.broker(), context.clock,
                new Daemon.Options(l, runOpenvpn, nodeName, stopOpenvpn));
        daemon.start();
        net.v6broker.web.BrokerHttp server;
        try {
            server = net.v6broker.web.BrokerHttp.start(listen.getHostString(), listen.getPort(),
                    HttpServices.of(context, net.v6broker.api.Limits.defaults(), () -> {
                        Map<String, Object> body = new LinkedHashMap<>();
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

    static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--http '" + text + "': expected ADDR:PORT, e.g. 127.0.0.1:8080");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        Validation.host(host);
        String port = text.substring(colon + 1);
        return new InetSocketAddress(host, port.equals("0") ? 0 : Validation.parsePort("--http port", port));
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
