package net.v6broker.daemon;

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

    public static KernelRoutes read() {
        List<Route> routes = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(List.of("ip", "-6", "-o", "route", "show")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
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
                } catch (IllegalArgumentException e) {
                    // a route we don't read (e.g. unreachable, local): not ours
                }
            }
        } catch (IOException e) {
            return new KernelRoutes(List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new KernelRoutes(routes);
    }

    /** The tunnel device a route covering the prefix leads to, if any. */
    public java.util.Optional<String> tunnelDeviceFor(Ipv6Prefix prefix) {
        return routes.stream().filter(r -> r.device().startsWith("tun") && r.destination().contains(prefix))
                .map(Route::device).findFirst();
    }
}
