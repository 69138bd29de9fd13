package net.v6broker.config;

/** Every default value of the configuration, in one place. */
public final class Defaults {
    public static final int PORT = 1194;
    /** {@code http.metricsClients}: the busiest clients with series of their own in /metrics. */
    public static final int METRICS_CLIENTS = 50;
    public static final String KEY_TYPE = "ec";
    public static final String CA_NAME = "v6broker-CA";
    public static final int CA_DAYS = 3650;
    public static final int CERT_DAYS = 825;
    public static final int CRL_DAYS = 30;
    /** The server certificate is renewed by the daemon once it has fewer days left. */
    public static final int SERVER_RENEW_DAYS = 30;
    /** The CA's expiry is warned about from this many days before it. */
    public static final int CA_WARN_DAYS = 180;
    public static final int QUARANTINE_DAYS = 30;
    public static final int IMPORT_BATCH = 250;
    /** openvpn.route: what clients send into the tunnel ("default" or "2000::/3"). */
    public static final String OPENVPN_ROUTE = "default";
    /** openvpn.portBase: per-client layout, client N listens on portBase + N. */
    public static final int OPENVPN_PORT_BASE = 5000;
    /** openvpn.lanInterface: a Linux subnet client's LAN interface. */
    public static final String OPENVPN_LAN_INTERFACE = "eth0";

    private Defaults() {
    }
}
