package net.v6broker.broker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Who makes a change, as the audit trail records it: the kind of actor, its name and where the
 * change came from. A {@link Broker} records every change under its actor; {@link Broker#as} gives
 * the same broker under another (an API request's token, the daemon).
 *
 * @param kind   how the change arrived
 * @param name   the OS user, the API token's name, the web operator's, the subscriber's address, the node
 * @param origin the host (with the SSH peer when there is one), the HTTP client's address, the node
 */
public record Actor(Kind kind, String name, String origin) {
    /** Longest name and origin stored: longer ones (an odd OS user name) are cut. */
    static final int MAX = 200;

    public enum Kind {
        CLI, API, WEB, SUBSCRIBER, DAEMON;

        public String dbName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Actor {
        Objects.requireNonNull(kind, "kind");
        name = cut(name);
        origin = cut(origin);
    }

    private static String cut(String s) {
        String v = s == null || s.isBlank() ? "unknown" : s.strip();
        return v.length() > MAX ? v.substring(0, MAX) : v;
    }

    /** This process's user at the command line: the OS user (and who used sudo), on this host (and from which SSH peer). */
    public static Actor commandLine() {
        return commandLine(System.getProperty("user.name"), System.getenv());
    }

    static Actor commandLine(String user, Map<String, String> env) {
        String sudo = env.get("SUDO_USER");
        String name = sudo != null && !sudo.isBlank() && !sudo.equals(user) ? user + " (sudo by " + sudo + ")" : user;
        String origin = hostName();
        String ssh = env.get("SSH_CONNECTION");
        if (ssh != null && !ssh.isBlank()) {
            origin += " via ssh from " + ssh.strip().split("\\s+")[0];
        }
        return new Actor(Kind.CLI, name, origin);
    }

    public static Actor api(String tokenName, String address) {
        return new Actor(Kind.API, tokenName, address);
    }

    public static Actor web(String operator, String address) {
        return new Actor(Kind.WEB, operator, address);
    }

    public static Actor subscriber(String email, String address) {
        return new Actor(Kind.SUBSCRIBER, email, address);
    }

    /** The daemon's own work (the CRL kept fresh, the reclaim policy), on the node it serves. */
    public static Actor daemon(String node) {
        return new Actor(Kind.DAEMON, "v6broker serve", node);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
