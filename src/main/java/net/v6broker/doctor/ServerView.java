package net.v6broker.doctor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.v6broker.openvpn.management.Message;
import net.v6broker.openvpn.management.Session;
import net.v6broker.openvpn.management.StatusReport;

/**
 * What OpenVPN itself reports over its management interface ({@code status 3}): the connected
 * clients, and its internal routing table, which maps each client's tunnel address and
 * {@code iroute} prefix to its certificate name. Immutable.
 */
public record ServerView(List<Session> sessions, List<Route> routes) {

    public ServerView {
        sessions = List.copyOf(sessions);
        routes = List.copyOf(routes);
    }

    /** One row of OpenVPN's routing table: an address or prefix it sends to a client. */
    public record Route(String destination, String commonName) {
    }

    /** Reads a {@code status 3} block: the sessions as {@link StatusReport} does, the routing table by its HEADER. */
    public static ServerView parse(Message.Block block) {
        StatusReport report = StatusReport.parse(block);
        Map<String, Integer> columns = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        for (String line : block.lines()) {
            String[] f = line.split("\t", -1);
            if (f[0].equals("HEADER") && f.length > 1 && f[1].equals("ROUTING_TABLE")) {
                for (int i = 2; i < f.length; i++) {
                    columns.put(f[i], i - 1);
                }
            } else if (f[0].equals("ROUTING_TABLE")) {
                Integer dest = columns.get("Virtual Address");
                Integer cn = columns.get("Common Name");
                if (dest != null && cn != null && dest < f.length && cn < f.length) {
                    routes.add(new Route(f[dest], f[cn]));
                }
            }
        }
        return new ServerView(report.sessions(), routes);
    }
}
