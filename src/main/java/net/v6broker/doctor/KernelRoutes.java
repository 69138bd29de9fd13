package net.v6broker.doctor;

import net.v6broker.error.BrokerException;
import net.v6broker.error.InvalidInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * The kernel's IPv6 routes, read once with {@code ip -6 -o route show}, to tell whether a client's
 * prefix is routed into a tunnel device. Immutable.
 */
public record KernelRoutes(List<Route> routes) {

    /** One route: its destination and device. */
    public record Route(Ipv6Prefix destination, String device) {
    }

    /**
     * Runs {@code ip -6 -o route show}; a failure to run it, a time-out or a non-zero exit is
     * reported (naming the command and what it said), never taken for "no routes".
     */
    public static KernelRoutes read() {
        List<Route> routes = new ArrayList<>();
        List<String> command = List.of("ip", "-6", "-o", "route", "show");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BrokerException(BrokerException.Kind.FAILED, "'" + String.join(" ", command) + "' did not finish in 10 s");
            }
            if (p.exitValue() != 0) {
                throw new BrokerException(BrokerException.Kind.FAILED, "'" + String.join(" ", command) + "' exited "
                        + p.exitValue() + ": " + out.strip());
            }
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 3 || f[0].equals("default") || f[0].startsWith("fe80") || f[0].contains("multicast")) {
                    continue;
                }
                int dev = List.of(f).indexOf("dev");
                if (dev < 0 || dev + 1 >= f.length) {
                    continue;
                }
                try {
                    String dest = f[0].contains("/") ? f[0] : f[0] + "/128";
                    routes.add(new Route(Ipv6Prefix.of(Ipv6Prefix.parse(dest).network(), Ipv6Prefix.parse(dest).length()), f[dev + 1]));
                } catch (InvalidInputException e) {
                    continue; // a destination that is no IPv6 prefix ("unreachable", "local" lines): not a tunnel's route
                }
            }
        } catch (IOException e) {
            throw new BrokerException(BrokerException.Kind.FAILED, "cannot read the kernel's routes: running '"
                    + String.join(" ", command) + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerException.Kind.FAILED, "interrupted reading the kernel's routes", e);
        }
        return new KernelRoutes(routes);
    }

    /** The tunnel device a route covering the prefix leads to, if any. */
    public java.util.Optional<String> tunnelDeviceFor(Ipv6Prefix prefix) {
        return routes.stream().filter(r -> r.device().startsWith("tun") && r.destination().contains(prefix))
                .map(Route::device).findFirst();
    }
}
