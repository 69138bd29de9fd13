package net.v6broker.openvpn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.config.BrokerConfig;

/**
 * The openvpn instances of the shared layout. The server (UDP on the endpoint's port) carries the
 * aggregate routes; beside it the operator may turn on more, each reading the same client files,
 * keys and CRL, on a tun of its own whose routes its hook keeps (docs/decisions.md, 24).
 */
public enum Listener {
    /** The server: UDP on the endpoint's port, tls-crypt-v2. */
    UDP("server", "udp6", ""),
    /** {@code openvpn.tcpPort}: TCP, for networks that let no UDP out. */
    TCP("server-tcp", "tcp6-server", "-tcp"),
    /** {@code openvpn.compatPort}: UDP without tls-crypt, for clients that lack it (docs/compatibility.md). */
    COMPAT("server-compat", "udp6", "-compat");

    private final String name;
    private final String proto;
    private final String suffix;

    Listener(String name, String proto, String suffix) {
        this.name = name;
        this.proto = proto;
        this.suffix = suffix;
    }

    /** The instance's name: its config file without {@code .conf}, and its pid and log files in run/. */
    public String instanceName() {
        return name;
    }

    public String configFile() {
        return name + ".conf";
    }

    String proto() {
        return proto;
    }

    /** Its management socket in a shared-layout directory. */
    public Path managementSocket(Path dir) {
        return dir.resolve("run/management" + suffix + ".sock");
    }

    String statusFile() {
        return "run/status" + suffix + ".txt";
    }

    /** The port it listens on. */
    int port(Site site) {
        return switch (this) {
            case UDP -> site.endpoint().port();
            case TCP -> site.openvpn().tcpPort();
            case COMPAT -> site.openvpn().compatPort();
        };
    }

    /** Whether it wraps the control channel (every instance but the compatibility one). */
    boolean tlsCrypt() {
        return this != COMPAT;
    }

    /** The instances that may run beside the server, each when the configuration turns it on. */
    public static List<Listener> besideServer() {
        return List.of(TCP, COMPAT);
    }

    /** The instances the configuration turns on, the server first. */
    public static List<Listener> enabled(BrokerConfig.OpenVpn o) {
        List<Listener> out = new ArrayList<>(List.of(UDP));
        if (o.tcpFallback()) {
            out.add(TCP);
        }
        if (o.compatPort() != 0) {
            out.add(COMPAT);
        }
        return out;
    }
}
