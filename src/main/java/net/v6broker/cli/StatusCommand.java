package net.v6broker.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.v6broker.broker.Client;
import net.v6broker.config.Home;
import net.v6broker.doctor.KernelRoutes;
import net.v6broker.store.ClientQuery;
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
            String name = a.positional(0);
            Iterable<Line> lines = name == null ? lines(c) : List.of(line(c, name));
            if (a.flag("--json")) {
                if (name == null) {
                    Home.printJsonArray(c.out, lines, l -> l);
                } else {
                    c.out.print(Home.toJson(lines.iterator().next()));
                }
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
        }, "Each client's state: connected or not, since when, from where, bytes, kernel route;",
                "with NAME, that client's only (with --json: one object).")
                .optionalPositional("NAME", "One client (default: every client, in name order, as they are read).")
                .flag("--json", "Print a JSON array (one object for NAME).");
    }

    /** Every client's line, read as the lines are printed; the live sessions (one per connected client) in memory. */
    private static Iterable<Line> lines(Context c) {
        Map<String, SessionRow> live = newest(c.store().read(tx -> tx.liveSessions()));
        KernelRoutes routes = KernelRoutes.read();
        Iterable<Client> clients = c.broker().walk(ClientQuery.ALL);
        return () -> new java.util.Iterator<>() {
            private final java.util.Iterator<Client> walk = clients.iterator();

            @Override
            public boolean hasNext() {
                return walk.hasNext();
            }

            @Override
            public Line next() {
                Client client = walk.next();
                return line(client, live.get(client.name().toLowerCase(Locale.ROOT)), routes);
            }
        };
    }

    /** One client's line: its row, its own live sessions, the kernel's routes. */
    private static Line line(Context c, String name) {
        Client client = c.broker().show(name);
        SessionRow s = newest(c.store().read(tx -> tx.liveSessionsOf(client.name()))).get(client.name().toLowerCase(Locale.ROOT));
        return line(client, s, KernelRoutes.read());
    }

    /** The newest session of each client among {@code sessions}, by lower-cased name. */
    private static Map<String, SessionRow> newest(List<SessionRow> sessions) {
        Map<String, SessionRow> live = new HashMap<>();
        for (SessionRow s : sessions) {
            live.merge(s.clientName().toLowerCase(Locale.ROOT), s, (x, y) -> x.connectedAt().isAfter(y.connectedAt()) ? x : y);
        }
        return live;
    }

    private static Line line(Client client, SessionRow s, KernelRoutes routes) {
        var dev = routes.tunnelDeviceFor(client.assignment().prefix());
        return new Line(client.name(), client.type().cliName(), client.status().dbName(),
                client.assignment().prefix().toString(), s != null, s == null ? null : s.node(),
                s == null ? null : s.connectedAt().toString(), s == null ? null : s.realAddress(),
                s == null ? null : s.virtualIpv6(), s == null ? null : s.bytesIn(), s == null ? null : s.bytesOut(),
                dev.isPresent(), dev.orElse(null));
    }
}
