package net.v6broker.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.v6broker.broker.Client;
import net.v6broker.config.Home;
import net.v6broker.doctor.KernelRoutes;
import net.v6broker.store.SessionRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Each client's state: connected or not, since when, from where, bytes, kernel route.")
final class StatusCommand implements Runnable {
    private final Context context;
    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    StatusCommand(Context context) {
        this.context = context;
    }

    /** One client's line of the status. */
    record Line(String name, String type, String status, String prefix, boolean connected, String node, String since,
                String realAddress, String tunnelAddress, Long bytesIn, Long bytesOut, boolean routePresent, String routeDevice) {
    }

    @Override
    public void run() {
        List<Client> clients = context.broker().list();
        Map<String, SessionRow> live = new HashMap<>();
        for (SessionRow s : context.store().read(tx -> tx.liveSessions())) {
            live.merge(s.clientName().toLowerCase(java.util.Locale.ROOT), s,
                    (a, b) -> a.connectedAt().isAfter(b.connectedAt()) ? a : b);
        }
        KernelRoutes routes = KernelRoutes.read();
        List<Line> lines = new ArrayList<>();
        for (Client c : clients) {
            SessionRow s = live.get(c.name().toLowerCase(java.util.Locale.ROOT));
            var dev = routes.tunnelDeviceFor(c.assignment().prefix());
            lines.add(new Line(c.name(), c.type().cliName(), c.status().dbName(), c.assignment().prefix().toString(), s != null,
                    s == null ? null : s.node(), s == null ? null : s.connectedAt().toString(),
                    s == null ? null : s.realAddress(), s == null ? null : s.virtualIpv6(),
                    s == null ? null : s.bytesIn(), s == null ? null : s.bytesOut(), dev.isPresent(), dev.orElse(null)));
        }
        if (json) {
            context.out.print(Home.toJson(lines));
            return;
        }
        context.out.printf("%-20s %-7s %-9s %-28s %-9s %-22s %-22s %12s %12s %s%n", "NAME", "TYPE", "STATUS", "PREFIX",
                "CONNECTED", "SINCE", "FROM", "BYTES-IN", "BYTES-OUT", "ROUTE");
        for (Line l : lines) {
            context.out.printf("%-20s %-7s %-9s %-28s %-9s %-22s %-22s %12s %12s %s%n", l.name(), l.type(), l.status(), l.prefix(),
                    l.connected() ? "yes" : "no", l.since() == null ? "-" : l.since(), l.realAddress() == null ? "-" : l.realAddress(),
                    l.bytesIn() == null ? "-" : l.bytesIn(), l.bytesOut() == null ? "-" : l.bytesOut(),
                    l.routePresent() ? l.routeDevice() : "missing");
        }
    }
}
