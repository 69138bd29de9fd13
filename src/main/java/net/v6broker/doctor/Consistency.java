package net.v6broker.doctor;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.v6broker.broker.Client;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.client.ClientKind;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.management.Session;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.CrlRow;
import net.v6broker.store.SessionRow;

/**
 * The broker's consistency check ({@code v6broker check}): the database's clients, statuses,
 * prefixes and live sessions against what this tunnel server really does — its kernel routes,
 * OpenVPN's own view over the management interface (when it can be had: the daemon holds the only
 * connection while it runs) — and the CRL. Pure: values in, mismatches out; the command gathers
 * the values. Stateless and thread-safe.
 */
public final class Consistency {
    private Consistency() {
    }

    /**
     * Everything the check compares.
     *
     * @param node       this tunnel server's name, as the daemon records its sessions
     * @param server     OpenVPN's own view; null when the management interface could not be asked
     * @param sessions   the live sessions the database records, of every node
     * @param routes     this machine's kernel routes
     * @param crlFiles   the CRL files OpenVPN reads here
     * @param crlDays    {@code ca.crlDays}
     */
    public record Inputs(AddressPlan plan, Layout layout, String node, Iterable<Client> clients, ServerView server,
                         List<SessionRow> sessions, KernelRoutes routes, CrlRow crl, List<CrlFile> crlFiles,
                         int crlDays, Instant now) {
        public Inputs {
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(clients, "clients");
            sessions = List.copyOf(sessions);
            Objects.requireNonNull(routes, "routes");
            crlFiles = List.copyOf(crlFiles);
            Objects.requireNonNull(now, "now");
        }
    }

    /** A live session from either source, reduced to what the checks use. */
    private record Live(String name, String realAddress, String virtualIpv6, Instant since, String source, Long cid) {
    }

    /** Every mismatch, in a stable order: sessions, routes, database against OpenVPN, CRL. */
    public static List<Mismatch> check(Inputs in) {
        List<Mismatch> out = new ArrayList<>();
        Map<String, Client> byName = new HashMap<>();
        for (Client c : in.clients()) {
            byName.put(key(c.name()), c);
        }
        List<Live> live = liveHere(in);
        Set<String> connected = new HashSet<>();
        for (Live s : live) {
            connected.add(key(s.name()));
        }
        sessions(in, byName, live, out);
        otherNodes(in, byName, out);
        kernelRoutes(in, byName, connected, out);
        if (in.server() != null) {
            databaseAgainstServer(in, out);
        }
        crl(in, out);
        return out;
    }

    /** This node's live sessions: OpenVPN's own list when it answered, else what the daemon recorded. */
    private static List<Live> liveHere(Inputs in) {
        List<Live> live = new ArrayList<>();
        if (in.server() != null) {
            for (Session s : in.server().sessions()) {
                live.add(new Live(s.commonName(), s.realAddress(), s.virtualIpv6(), s.connectedSince(), "OpenVPN", s.clientId()));
            }
        } else {
            for (SessionRow s : in.sessions()) {
                if (s.node().equals(in.node())) {
                    live.add(new Live(s.clientName(), s.realAddress(), s.virtualIpv6(), s.connectedAt(), "the database",
                            s.managementClientId()));
                }
            }
        }
        return live;
    }

    private static void sessions(Inputs in, Map<String, Client> byName, List<Live> live, List<Mismatch> out) {
        for (Live s : live) {
            Client c = byName.get(key(s.name()));
            String from = " (from " + s.realAddress() + ", since " + s.since() + ", per " + s.source() + ")";
            String kill = "the daemon ends such a session at once (v6broker serve); without it, end it on the management "
                    + "interface (client-kill " + s.cid() + " HALT) or restart openvpn";
            if (c == null) {
                out.add(new Mismatch(s.name(), "connected" + from + " but no live client has that name (deleted?)", kill));
                continue;
            }
            if (c.status() == ClientStatus.REVOKED) {
                out.add(new Mismatch(c.name(), "its certificate is revoked but it is still connected" + from
                        + ": OpenVPN checks the CRL only at the next renegotiation", kill));
                continue;
            }
            if (c.status() == ClientStatus.SUSPENDED) {
                out.add(new Mismatch(c.name(), "is suspended but still connected" + from, kill));
                continue;
            }
            Ipv6Prefix prefix = c.assignment().prefix();
            if (in.routes().tunnelDeviceFor(prefix).isEmpty()) {
                out.add(new Mismatch(c.name(), "connected" + from + " but no kernel route leads its " + prefix
                        + " into a tunnel device", in.layout() == Layout.SHARED
                        ? "the shared server's route-ipv6 " + in.plan().prefix() + " puts it there while openvpn's tun is up: "
                                + "is openvpn running (v6broker serve starts it)?"
                        : "its per-client up script adds it: restart its instance (systemctl restart v6broker-openvpn@"
                                + c.name() + ")"));
            }
            if (in.server() != null && in.layout() == Layout.SHARED) {
                if (!routedTo(in.server(), prefix, c)) {
                    out.add(new Mismatch(c.name(), "connected" + from + " but OpenVPN routes no " + prefix + " to it",
                            "its client file (ccd/" + c.name() + ") lacks the " + (c.type() == ClientKind.SUBNET ? "iroute-ipv6" : "address")
                                    + ": render it again (v6broker server config --out DIR) and let the client reconnect"));
                }
                String expected = expectedAddress(c);
                if (!s.virtualIpv6().isEmpty() && !sameAddress(s.virtualIpv6(), expected)) {
                    out.add(new Mismatch(c.name(), "connected with tunnel address " + s.virtualIpv6() + ", not its "
                            + expected, "its client file (ccd/" + c.name() + ") is stale: render it again (v6broker server "
                            + "config --out DIR) and let the client reconnect"));
                }
            }
        }
    }

    /** Other tunnel servers' sessions, as their daemons recorded them: only whether their client may be connected. */
    private static void otherNodes(Inputs in, Map<String, Client> byName, List<Mismatch> out) {
        for (SessionRow s : in.sessions()) {
            if (s.node().equals(in.node())) {
                continue;
            }
            Client c = byName.get(key(s.clientName()));
            String fix = "the daemon of node " + s.node() + " ends such a session at once: is it running?";
            if (c == null) {
                out.add(new Mismatch(s.clientName(), "the database counts it connected on node " + s.node() + " (from "
                        + s.realAddress() + ") but no live client has that name (deleted?)", fix));
            } else if (c.status() != ClientStatus.ACTIVE) {
                out.add(new Mismatch(c.name(), "is " + c.status().dbName() + " but the database counts it connected on node "
                        + s.node() + " (from " + s.realAddress() + ")", fix));
            }
        }
    }

    /** Client-specific kernel routes (not the server's aggregates) that lead to nobody, or to an inactive client. */
    private static void kernelRoutes(Inputs in, Map<String, Client> byName, Set<String> connected, List<Mismatch> out) {
        AddressPlan plan = in.plan();
        Map<Ipv6Prefix, Client> byPrefix = new HashMap<>();
        for (Client c : in.clients()) {
            byPrefix.put(c.assignment().prefix(), c);
        }
        for (KernelRoutes.Route r : in.routes().routes()) {
            Ipv6Prefix d = r.destination();
            boolean tunnel = r.device().startsWith("tun");
            if (!tunnel || !plan.prefix().contains(d) || d.equals(plan.prefix()) || d.equals(plan.hermitNetwork())
                    || (!plan.hermitOnly() && plan.transferNetwork().contains(d))) {
                continue;
            }
            Client c = byPrefix.get(d);
            String route = "kernel route " + d + " dev " + r.device();
            Client part = c == null ? holderOf(byPrefix, d) : null;
            if (part != null) {
                out.add(new Mismatch(part.name(), route + " is only part of its " + part.assignment().prefix()
                        + ": the rest of the prefix is not routed to it", "the per-client up script routes the whole prefix: "
                        + "remove this route (sudo ip -6 route del " + d + " dev " + r.device() + ") and restart its instance "
                        + "(systemctl restart v6broker-openvpn@" + part.name() + "); was it resized?"));
            } else if (c == null) {
                out.add(new Mismatch(d.toString(), route + " leads to no client: no live client holds this prefix",
                        "remove it (sudo ip -6 route del " + d + " dev " + r.device() + "); a per-client instance of a deleted "
                                + "client may still run: stop it"));
            } else if (c.status() != ClientStatus.ACTIVE) {
                out.add(new Mismatch(c.name(), route + " still leads to it, but it is " + c.status().dbName(),
                        "stop its per-client instance (systemctl stop v6broker-openvpn@" + c.name() + "), which removes the route"));
            } else if (in.layout() == Layout.SHARED && !connected.contains(key(c.name()))) {
                out.add(new Mismatch(c.name(), route + " leads to it, but it has no session",
                        "the shared layout needs no per-client kernel route: remove it (sudo ip -6 route del " + d + " dev "
                                + r.device() + ")"));
            }
        }
    }

    /** The subnet client whose prefix holds {@code d} and is shorter than it, if any: one lookup per size. */
    private static Client holderOf(Map<Ipv6Prefix, Client> byPrefix, Ipv6Prefix d) {
        for (int size : net.v6broker.ipam.Region.SIZES) {
            if (size < d.length()) {
                Client c = byPrefix.get(Ipv6Prefix.of(d.network(), size));
                if (c != null && c.assignment().prefix().length() == size) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The daemon's record of this node's sessions against OpenVPN's list. */
    private static void databaseAgainstServer(Inputs in, List<Mismatch> out) {
        Set<String> recorded = new HashSet<>();
        for (SessionRow s : in.sessions()) {
            if (s.node().equals(in.node())) {
                recorded.add(s.managementClientId() + "@" + s.connectedAt().getEpochSecond());
            }
        }
        Set<String> seen = new HashSet<>();
        for (Session s : in.server().sessions()) {
            String id = s.clientId() + "@" + s.connectedSince().getEpochSecond();
            seen.add(id);
            if (!recorded.contains(id)) {
                out.add(new Mismatch(s.commonName(), "OpenVPN has its session from " + s.realAddress() + " (client id "
                        + s.clientId() + ", since " + s.connectedSince() + ") but the database does not record it",
                        "the daemon records sessions every second: is 'v6broker serve --node " + in.node() + "' running?"));
            }
        }
        for (SessionRow s : in.sessions()) {
            if (s.node().equals(in.node()) && !seen.contains(s.managementClientId() + "@" + s.connectedAt().getEpochSecond())) {
                out.add(new Mismatch(s.clientName(), "the database counts a session from " + s.realAddress() + " (since "
                        + s.connectedAt() + ") that OpenVPN no longer has", "the daemon ends it at its next poll: is "
                        + "'v6broker serve --node " + in.node() + "' running?"));
            }
        }
    }

    private static void crl(Inputs in, List<Mismatch> out) {
        String reissue = "the daemon and every change re-issue the CRL once less than a third of ca.crlDays is left: is 'v6broker serve' running? 'v6broker ca crl --reissue' issues one now";
        CrlRow crl = in.crl();
        if (crl == null) {
            out.add(new Mismatch("CRL", "the database holds no CRL", "was 'v6broker init' completed?"));
            return;
        }
        Duration left = Duration.between(in.now(), crl.nextUpdate());
        Duration third = Duration.ofDays(in.crlDays()).dividedBy(3);
        if (left.isNegative() || left.isZero()) {
            out.add(new Mismatch("CRL", "CRL #" + crl.number() + " expired at " + crl.nextUpdate()
                    + ": OpenVPN refuses every client while it is out of date", reissue));
        } else if (left.compareTo(third) < 0) {
            out.add(new Mismatch("CRL", "CRL #" + crl.number() + " expires at " + crl.nextUpdate() + ", in " + hours(left)
                    + ": less than a third of ca.crlDays (" + in.crlDays() + " days) is left", reissue));
        }
        for (CrlFile f : in.crlFiles()) {
            if (f.problem() != null) {
                out.add(new Mismatch("CRL", f.path() + " " + f.problem(), "write it again: the daemon publishes the CRL "
                        + "at start (v6broker serve), 'v6broker server config --out DIR' renders a server directory"));
            } else if (f.number() < crl.number()) {
                out.add(new Mismatch("CRL", f.path() + " holds CRL #" + f.number() + ", the database #" + crl.number()
                        + ": OpenVPN there still accepts certificates revoked since", "write it again: the daemon publishes the "
                        + "CRL at start (v6broker serve), 'v6broker server config --out DIR' renders a server directory"));
            }
        }
    }

    private static boolean routedTo(ServerView view, Ipv6Prefix prefix, Client c) {
        for (ServerView.Route r : view.routes()) {
            if (!r.commonName().equalsIgnoreCase(c.name())) {
                continue;
            }
            IPAddress a = new IPAddressString(r.destination()).getAddress();
            if (a == null || !a.isIPv6()) {
                continue;
            }
            int length = a.getNetworkPrefixLength() == null ? 128 : a.getNetworkPrefixLength();
            BigInteger value = a.getValue();
            Ipv6Prefix p = Ipv6Prefix.of(value, length);
            if (p.contains(prefix) || (prefix.length() == 128 && p.length() == 128 && p.network().equals(prefix.network()))) {
                return true;
            }
        }
        return false;
    }

    /** The tunnel address the shared layout pushes to a client. */
    static String expectedAddress(Client c) {
        return c.type() == ClientKind.HERMIT ? c.assignment().prefix().address() : c.assignment().transferClient().address();
    }

    private static boolean sameAddress(String a, String b) {
        IPAddress x = new IPAddressString(a).getAddress();
        IPAddress y = new IPAddressString(b).getAddress();
        return x != null && y != null && x.getValue().equals(y.getValue());
    }

    private static String hours(Duration d) {
        return d.toHours() >= 48 ? d.toDays() + " days" : d.toHours() + " hours";
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
