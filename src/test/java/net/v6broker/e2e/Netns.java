package net.v6broker.e2e;

import org.junit.jupiter.api.Assumptions;
import net.v6broker.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Network namespaces that a test creates and removes, and the processes it starts inside them.
 * Only documentation addresses are used inside (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 * Everything made here is tracked and undone by {@link #close()}, also after a failure; leftovers
 * of a killed earlier run carry the {@value #PREFIX} prefix and are removed at the next start.
 *
 * <p>Not thread-safe: one per test.
 */
public final class Netns implements AutoCloseable {
    public static final String PREFIX = "v6bt-";
    private final String tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    public Netns(String tag) {
        this.tag = tag;
        removeLeftovers();
    }

    /** Skips the calling test where namespaces and openvpn are not at hand; {@code what} names it. */
    static void assumeAvailable(String what) {
        Assumptions.assumeTrue(available(), "skipped: the " + what + " test needs root, iproute2 and /usr/sbin/openvpn "
                + "(run ./run-tests as root)");
    }

    /** True when this process may create namespaces and run openvpn: root, with ip and openvpn present. */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/openvpn"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")));
    }

    /** The full name of a namespace role. */
    public String ns(String role) {
        return PREFIX + tag + "-" + role;
    }

    /** Creates a namespace with loopback up, no DAD delay and no router advertisements. */
    public String create(String role) {
        String ns = ns(role);
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        exec(ns, "ip", "link", "set", "lo", "up");
        exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.default.accept_ra=0");
        return ns;
    }

    /** A veth pair between two namespaces, both ends up. */
    public void link(String nsA, String ifA, String nsB, String ifB) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        exec(nsA, "ip", "link", "set", ifA, "up");
        exec(nsB, "ip", "link", "set", ifB, "up");
    }

    public void address(String ns, String dev, String cidr) {
        if (cidr.indexOf(':') >= 0) {
            exec(ns, "ip", "-6", "addr", "add", cidr, "dev", dev, "nodad");
        } else {
            exec(ns, "ip", "addr", "add", cidr, "dev", dev);
        }
    }

    /** The namespaces of a broker test: a server, a hermit, a subnet client and a LAN behind it. */
    public record Broker(String srv, String hermit, String subnet, String lan) {
    }

    /**
     * The underlay every broker test uses: a bridge in the server namespace (198.51.100.1/24,
     * IPv6 forwarding on), the hermit at .10 and the subnet client at .20 on it, and a LAN namespace
     * behind the subnet client (its lan0 to the LAN's eth0; addresses are the test's to set).
     */
    public Broker brokerUnderlay() {
        Broker b = new Broker(create("srv"), create("hermit"), create("subnet"), create("lan"));
        bridge(b.srv(), List.of(b.hermit(), b.subnet()));
        link(b.subnet(), "lan0", b.lan(), "eth0");
        return b;
    }

    /**
     * The clients' underlay: a bridge br0 in the server namespace (198.51.100.1/24, IPv6 forwarding
     * on) and each client namespace's eth0 on it, at 198.51.100.10, .20, ... in order.
     */
    public void bridge(String srv, List<String> clients) {
        exec(srv, "ip", "link", "add", "br0", "type", "bridge");
        exec(srv, "ip", "link", "set", "br0", "up");
        address(srv, "br0", "198.51.100.1/24");
        exec(srv, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        int host = 10;
        for (String ns : clients) {
            link(srv, "p" + host, ns, "eth0");
            exec(srv, "ip", "link", "set", "p" + host, "master", "br0");
            address(ns, "eth0", "198.51.100." + host + "/24");
            host += 10;
        }
    }

    /** Runs a command in a namespace and returns its output; fails the test when it exits non-zero. */
    public String exec(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command in a namespace; returns its exit code, never throws on failure. */
    public int status(String ns, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Starts a long-running process in a namespace, output to a log file; it is stopped by close(). */
    public Process spawn(String ns, Path workDir, Path log, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        try {
            Process p = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops one started process: SIGTERM, then SIGKILL after 5 s. */
    public static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when {@code ping -6} from a namespace reaches the address (a few tries, each short). */
    public boolean ping6(String ns, String address) {
        return status(ns, "ping", "-6", "-n", "-c", "1", "-W", "1", address) == 0;
    }

    /** Polls until the condition holds; false at the deadline. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // the polling interval
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** The global IPv6 addresses (with lengths) on a device, or empty if it is absent. */
    public List<String> addresses6(String ns, String dev) {
        List<String> full = List.of("ip", "netns", "exec", ns, "ip", "-6", "-o", "addr", "show", "dev", dev, "scope", "global");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            List<String> addrs = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 0; i + 1 < f.length; i++) {
                    if (f[i].equals("inet6")) {
                        addrs.add(f[i + 1]);
                    }
                }
            }
            return addrs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
        processes.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", namespaces.get(i));
            } catch (RuntimeException ignored) {
                // keep removing the others
            }
        }
        namespaces.clear();
    }

    private void removeLeftovers() {
        String out = run("ip", "netns", "list");
        for (String line : out.split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX + tag + "-")) {
                run("ip", "netns", "del", name);
            }
        }
    }

    static String run(String... cmd) {
        return Processes.run(List.of(cmd));
    }
}
