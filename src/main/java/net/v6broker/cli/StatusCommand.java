package net.v6broker.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.v6broker.broker.Client;
import net.v6broker.config.Home;
import net.v6broker.doctor.KernelRoutes;
import net.v6broker.store.SessionRow;

/** {@code status}: each client's state, session and kernel route. */
final class StatusCommand {
    private StatusCommand() {
    }

    /** One client's line of the status. */
    record Line(String name, String type, String status, String prefix, boolean connected, String node, String since,
                String realAddress, String tunnelAddress, Long bytesIn, Long bytesOut, boolean routePresent, String routeDevice) {
    }

    static Spec spec(Context c) {
        return Spec.command("status", a -> {
            List<Line> lines = lines(c);
            if (a.flag("--json")) {
                c.out.print(Home.toJson(lines));
                return Cli.OK;
            }
            String format = "%-20s %-7s %-9s %-28s %-9s %-22s %-22s %12s %12s %s%n";
            c.out.printf(format, "NAME", "TYPE", "STATUS", "PREFIX", "CONNECTED", "SINCE", "FROM", "BYTES-IN", "BYTES-OUT", "ROUTE");
            for (Line l : lines) {
                c.out.printf(format, l.name(), l.type(), l.status(), l.prefix(), l.connected() ? "yes" : "no",
                        l.since() == null ? "-" : l.since(), l.realAddress() == null ? "-" : l.realAddress(),
                        l.bytesIn() == null ? "-" : l.bytesIn(), l.bytesOut() == null ? "-" : l.bytesOut(),
                        l.routePresent() ? l.routeDevice() : "missing");
            }
            return Cli.OK;
        }, "Each client's state: connected or not, since when, from where, bytes, kernel route.")
                .flag("--json", "Print a JSON array.");
    }

    private static List<Line> lines(Context c) {
        List<Client> clients = c.broker().list();
        Map<String, SessionRow> live = new HashMap<>();
        for (SessionRow s : c.store().read(tx -> tx.liveSessions())) {
            live.merge(s.clientName().toLowerCase(Locale.ROOT), s, (x, y) -> x.connectedAt().isAfter(y.connectedAt()) ? x : y);
        }
        KernelRoutes routes = KernelRoutes.read();
        List<Line> lines = new ArrayList<>();
        for (Client client : clients) {
            SessionRow s = live.get(client.name().toLowerCase(Locale.ROOT));
            var dev = routes.tunnelDeviceFor(client.assignment().prefix());
            lines.add(new Line(client.name(), client.type().cliName(), client.status().dbName(),
                    client.assignment().prefix().toString(), s != null, s == null ? null : s.node(),
                    s == null ? null : s.connectedAt().toString(), s == null ? null : s.realAddress(),
                    s == null ? null : s.virtualIpv6(), s == null ? null : s.bytesIn(), s == null ? null : s.bytesOut(),
                    dev.isPresent(), dev.orElse(null)));
        }
        return lines;
    }
}
