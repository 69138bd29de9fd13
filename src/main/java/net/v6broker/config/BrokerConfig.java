package net.v6broker.config;

import net.v6broker.error.InvalidInputException;

import java.util.Objects;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * The broker's configuration: one typed record tree, read from {@code config.json} in the home and
 * validated once at start. Missing sections take the defaults named in {@link Defaults}; unknown
 * keys are refused, so a typo never passes silently. Immutable.
 *
 * @param brokerId the broker's identity, also stored in its database at {@code init}: a home refuses a
 *                 database of another broker (null only in a home made before identities, until its
 *                 first command records one)
 * @param prefix   the broker's prefix P, /32../64 (a /61../64 serves hermits only) (fixed at init: every stored prefix derives from it,
 *                 and the database keeps it too)
 * @param endpoint where clients connect
 * @param ca       key type and lifetimes of certificates and the CRL
 * @param clients  per-client policy
 * @param database where the state lives
 * @param openvpn  how server configs and client profiles are rendered
 * @param http     how the daemon's HTTP listener trusts proxies in front of it
 * @param upstream how P reaches this server: routed to it, or on-link (the daemon answers neighbour
 *                 discovery for each active hermit)
 */
public record BrokerConfig(String brokerId, String prefix, Endpoint endpoint, Ca ca, Clients clients, Database database,
                           OpenVpn openvpn, Http http, Upstream upstream) {
    /** A broker id: 32 lower-case hex digits (128 random bits). */
    private static final java.util.regex.Pattern BROKER_ID = java.util.regex.Pattern.compile("[0-9a-f]{32}");

    public BrokerConfig {
        if (brokerId != null && !BROKER_ID.matcher(brokerId).matches()) {
            throw new InvalidInputException("config: brokerId " + Validation.quote(brokerId)
                    + " is invalid: accepted 32 lower-case hex digits, as 'v6broker init' writes it");
        }
        Objects.requireNonNull(prefix, "config: 'prefix' is required (the broker's IPv6 prefix, e.g. 2001:db8:abba:f100::/56)");
        AddressPlan.parse(prefix);
        Objects.requireNonNull(endpoint, "config: 'endpoint' is required (host and port clients connect to)");
        ca = ca == null ? Ca.defaults() : ca;
        clients = clients == null ? Clients.defaults() : clients;
        database = database == null ? Database.defaults() : database;
        openvpn = openvpn == null ? OpenVpn.defaults() : openvpn;
        http = http == null ? Http.defaults() : http;
        upstream = upstream == null ? Upstream.ROUTED : upstream;
        if (upstream.onLink() && !AddressPlan.parse(prefix).hermitOnly()) {
            throw new InvalidInputException("config: upstream.mode on-link is for a hermit-only broker (a prefix of /61 to /64): "
                    + "the broker answers neighbour discovery for each hermit's address, which a routed subnet cannot have; "
                    + "have " + prefix + " routed to this server instead (upstream.mode routed)");
        }
    }

    /** A configuration without an id yet, with the default {@code openvpn} and {@code http} sections. */
    public BrokerConfig(String prefix, Endpoint endpoint, Ca ca, Clients clients, Database database) {
        this(null, prefix, endpoint, ca, clients, database, null, null, null);
    }

    /** A new broker id: 128 random bits as 32 hex digits. */
    public static String newBrokerId(java.security.SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    public BrokerConfig withBrokerId(String id) {
        return new BrokerConfig(id, prefix, endpoint, ca, clients, database, openvpn, http, upstream);
    }

    public BrokerConfig withEndpoint(Endpoint e) {
        return new BrokerConfig(brokerId, prefix, e, ca, clients, database, openvpn, http, upstream);
    }

    public BrokerConfig withDatabase(Database d) {
        return new BrokerConfig(brokerId, prefix, endpoint, ca, clients, d, openvpn, http, upstream);
    }

    public BrokerConfig withOpenVpn(OpenVpn o) {
        return new BrokerConfig(brokerId, prefix, endpoint, ca, clients, database, o, http, upstream);
    }

    public BrokerConfig withUpstream(Upstream u) {
        return new BrokerConfig(brokerId, prefix, endpoint, ca, clients, database, openvpn, http, u);
    }

    public AddressPlan plan() {
        return new AddressPlan(Ipv6Prefix.parse(prefix));
    }

    /** Where OpenVPN clients connect: a DNS name or an address, and a UDP port. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Validation.host(host);
            Validation.port("endpoint.port", port);
        }

        /** Parses {@code HOST}, {@code HOST:PORT}, {@code [V6ADDR]:PORT} or a bare IPv6 address. */
        public static Endpoint parse(String text) {
            if (text == null || text.isBlank()) {
                throw new InvalidInputException("missing endpoint: expected HOST[:PORT], e.g. vpn.example.net:1194");
            }
            String t = text.trim();
            String host = t;
            int port = Defaults.PORT;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    throw new InvalidInputException("endpoint '" + text + "': unclosed '['; expected [2001:db8::1]:1194");
                }
                host = t.substring(1, close);
                String rest = t.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new InvalidInputException("endpoint '" + text + "': expected [ADDR]:PORT");
                    }
                    port = Validation.parsePort("endpoint port", rest.substring(1));
                }
            } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
                host = t.substring(0, t.indexOf(':'));
                port = Validation.parsePort("endpoint port", t.substring(t.indexOf(':') + 1));
            }
            return new Endpoint(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * @param keyType             ec, rsa2048 or rsa3072, for the CA and every key it issues
     * @param commonName          the CA certificate's CN
     * @param caDays              CA certificate lifetime
     * @param certificateDays     client and server certificate lifetime
     * @param crlDays             nextUpdate of each CRL, counted from its issue
     */
    /**
     * @param serverRenewDays the daemon renews the server certificate once it has fewer days left (default 30)
     * @param caWarnDays      the CA's coming expiry is warned about (log, check, metrics, web) from this many days (default 180)
     */
    public record Ca(String keyType, String commonName, int caDays, int certificateDays, int crlDays, int serverRenewDays,
                     int caWarnDays) {
        public Ca(String keyType, String commonName, int caDays, int certificateDays, int crlDays) {
            this(keyType, commonName, caDays, certificateDays, crlDays, 0, 0);
        }

        public Ca {
            keyType = keyType == null ? Defaults.KEY_TYPE : keyType;
            net.v6broker.ca.KeyType.parse(keyType);
            commonName = commonName == null ? Defaults.CA_NAME : commonName;
            Validation.commonName("ca.commonName", commonName);
            caDays = caDays == 0 ? Defaults.CA_DAYS : caDays;
            certificateDays = certificateDays == 0 ? Defaults.CERT_DAYS : certificateDays;
            crlDays = crlDays == 0 ? Defaults.CRL_DAYS : crlDays;
            Validation.range("ca.caDays", caDays, 1, 36500);
            Validation.range("ca.certificateDays", certificateDays, 1, caDays);
            Validation.range("ca.crlDays", crlDays, 2, 3650);
            serverRenewDays = serverRenewDays == 0 ? Math.max(1, Math.min(Defaults.SERVER_RENEW_DAYS, certificateDays / 3))
                    : serverRenewDays;
            caWarnDays = caWarnDays == 0 ? Defaults.CA_WARN_DAYS : caWarnDays;
            if (serverRenewDays < 1 || serverRenewDays > Math.max(1, certificateDays / 2)) {
                throw new InvalidInputException("config: ca.serverRenewDays = " + serverRenewDays + " is out of range: accepted "
                        + "1.." + Math.max(1, certificateDays / 2) + " (at most half of ca.certificateDays, so that a renewed "
                        + "certificate is not due again at once)");
            }
            Validation.range("ca.caWarnDays", caWarnDays, 1, 36500);
        }

        static Ca defaults() {
            return new Ca(null, null, 0, 0, 0);
        }
    }

    /**
     * @param quarantineDays how long a deleted client's prefix stays out of use (0 allowed: reuse at once)
     * @param importBatch    clients per transaction in {@code client import}
     */
    public record Clients(Integer quarantineDays, int importBatch, Reclaim reclaim) {
        public Clients {
            quarantineDays = quarantineDays == null ? Defaults.QUARANTINE_DAYS : quarantineDays;
            importBatch = importBatch == 0 ? Defaults.IMPORT_BATCH : importBatch;
            reclaim = reclaim == null ? Reclaim.OFF : reclaim;
            Validation.range("clients.quarantineDays", quarantineDays, 0, 3650);
            Validation.range("clients.importBatch", importBatch, 1, 10_000);
        }

        public Clients(Integer quarantineDays, int importBatch) {
            this(quarantineDays, importBatch, null);
        }

        static Clients defaults() {
            return new Clients(null, 0);
        }
    }

    /**
     * The reclaim policy for unused accounts (docs/decisions.md 29), off unless {@code notifyDays} is
     * set: a client with no session for {@code notifyDays} is noticed (the API lists it, the hook
     * runs), suspended {@code suspendDays} after its last session and deleted, its prefix into
     * quarantine, {@code deleteDays} after; each step at least as long after the notice as the days
     * between them, so a late notice still gives the whole grace.
     *
     * @param hook an absolute path of an executable run at each notice (the e-mail), or null
     */
    public record Reclaim(int notifyDays, int suspendDays, int deleteDays, String hook) {
        public static final Reclaim OFF = new Reclaim(0, 0, 0, null);

        public Reclaim {
            if (notifyDays != 0 || suspendDays != 0 || deleteDays != 0) {
                Validation.range("clients.reclaimNotifyDays", notifyDays, 1, 3650);
                if (suspendDays <= notifyDays || deleteDays <= suspendDays) {
                    throw new InvalidInputException("config: the reclaim policy needs clients.reclaimNotifyDays < "
                            + "clients.reclaimSuspendDays < clients.reclaimDeleteDays (got " + notifyDays + ", " + suspendDays
                            + ", " + deleteDays + "), for example 90, 104, 120");
                }
                Validation.range("clients.reclaimDeleteDays", deleteDays, 1, 3650);
            }
            hook = hook == null || hook.isBlank() ? null : hook.strip();
            if (hook != null && !hook.matches("/[A-Za-z0-9._/+-]{1,255}")) {
                throw new InvalidInputException("config: clients.reclaimHook " + Validation.quote(hook) + ": accepted an "
                        + "absolute path of letters, digits and . _ / + - (the script the notice runs)");
            }
        }

        public boolean on() {
            return notifyDays > 0;
        }
    }

    /**
     * Where the state lives. Credentials never appear on a command line or in this file's URL: the
     * password comes from {@code passwordFile} (mode 0600, first line) or the environment variable
     * {@code V6BROKER_DB_PASSWORD}.
     *
     * @param url          a JDBC URL; empty means the embedded SQLite file {@code broker.db} in the home
     * @param user         the PostgreSQL role (ignored for SQLite)
     * @param passwordFile a file holding the PostgreSQL password, relative to the home or absolute
     */
    public record Database(String url, String user, String passwordFile) {
        public Database {
            url = url == null ? "" : url.trim();
            if (!url.isEmpty() && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
                throw new InvalidInputException("config: database.url '" + url
                        + "' is not supported: expected jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DB");
            }
            if (url.toLowerCase(java.util.Locale.ROOT).contains("password")) {
                throw new InvalidInputException("config: database.url must not carry a password: put it in "
                        + "database.passwordFile or the environment variable V6BROKER_DB_PASSWORD");
            }
            user = user == null || user.isBlank() ? null : user.trim();
            passwordFile = passwordFile == null || passwordFile.isBlank() ? null : passwordFile.trim();
        }

        public Database(String url) {
            this(url, null, null);
        }

        public boolean postgres() {
            return url.startsWith("jdbc:postgresql:");
        }

        static Database defaults() {
            return new Database("", null, null);
        }
    }

    /**
     * @param route         what clients route into the tunnel: {@code default} (all of IPv6, as
     *                      {@code redirect-gateway ipv6 !ipv4}) or {@code 2000::/3} (global unicast only)
     * @param portBase      per-client layout: client N listens on UDP port portBase + N
     * @param lanInterface  the LAN interface named in a Linux subnet client's up script (1..15 of
     *                      letters, digits, '_', '.', '-')
     * @param tlsCrypt      the control-channel wrapping the servers accept: {@code v2} (each client's
     *                      own tls-crypt-v2 key; a new home's) or {@code v1+v2} (also the one shared
     *                      tls-crypt key of profiles exported before v2; the default, so that a home
     *                      made before keeps its profiles working until the operator sets {@code v2})
     * @param verifyRevokedKeys whether the servers run the tls-crypt-v2 verify hook, which drops a
     *                      revoked certificate's key before any TLS at the cost of one process per
     *                      connect attempt (off by default: docs/decisions.md, 23)
     * @param tcpPort       the TCP port of the fallback instance beside the UDP one (shared layout;
     *                      {@code 0}, the default, runs none; 443 gets through most hotel networks)
     * @param compatPort    the UDP port of an instance without tls-crypt, for clients that lack it
     *                      (shared layout; {@code 0}, the default, runs none: anyone reaching it can
     *                      start a TLS handshake, docs/decisions.md 26)
     */
    public record OpenVpn(String route, int portBase, String lanInterface, String tlsCrypt, boolean verifyRevokedKeys,
                          int tcpPort, int compatPort) {
        private static final java.util.regex.Pattern INTERFACE = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,15}");

        public OpenVpn {
            route = route == null ? Defaults.OPENVPN_ROUTE : route;
            if (!route.equals("default") && !route.equals("2000::/3")) {
                throw new InvalidInputException("config: openvpn.route " + Validation.quote(route)
                        + " is invalid: accepted default, 2000::/3");
            }
            portBase = portBase == 0 ? Defaults.OPENVPN_PORT_BASE : portBase;
            Validation.port("openvpn.portBase", portBase);
            lanInterface = lanInterface == null ? Defaults.OPENVPN_LAN_INTERFACE : lanInterface;
            if (!INTERFACE.matcher(lanInterface).matches()) {
                throw new InvalidInputException("config: openvpn.lanInterface " + Validation.quote(lanInterface)
                        + " is invalid: accepted 1..15 letters, digits, '_', '.', '-'");
            }
            tlsCrypt = tlsCrypt == null ? "v1+v2" : tlsCrypt;
            if (!tlsCrypt.equals("v2") && !tlsCrypt.equals("v1+v2")) {
                throw new InvalidInputException("config: openvpn.tlsCrypt " + Validation.quote(tlsCrypt) + " is invalid: accepted "
                        + "v2 (each client's own key), v1+v2 (also profiles exported before v2, until all are replaced)");
            }
            if (tcpPort != 0) {
                Validation.port("openvpn.tcpPort", tcpPort);
            }
            if (compatPort != 0) {
                Validation.port("openvpn.compatPort", compatPort);
            }
        }

        /** The same settings for a home made now: tls-crypt-v2 only, no verify hook, no TCP instance. */
        public OpenVpn(String route, int portBase, String lanInterface) {
            this(route, portBase, lanInterface, "v2", false, 0, 0);
        }

        static OpenVpn defaults() {
            return new OpenVpn(null, 0, null, null, false, 0, 0);
        }

        /** Whether a TCP instance runs beside the UDP one. */
        public boolean tcpFallback() {
            return tcpPort != 0;
        }

        /** Whether the servers also take the shared tls-crypt (v1) key of older profiles. */
        public boolean acceptsV1() {
            return tlsCrypt.equals("v1+v2");
        }
    }

    /**
     * @param trustedProxies addresses of reverse proxies in front of the HTTP listener (such as
     *                       {@code 127.0.0.1} for an nginx on the same machine): only from these is
     *                       {@code X-Forwarded-For} believed for the client address that rate limits
     *                       key on, and {@code X-Forwarded-Proto: https} for secure cookies and HSTS
     * @param metricsClients the most clients {@code /metrics} gives series of their own (the busiest
     *                       by bytes; the totals always cover all): a bound on the series Prometheus
     *                       stores; 0 for totals only; null takes {@value Defaults#METRICS_CLIENTS}
     */
    public record Http(java.util.List<String> trustedProxies, Integer metricsClients) {
        public Http {
            metricsClients = metricsClients == null ? Defaults.METRICS_CLIENTS : metricsClients;
            if (metricsClients < 0 || metricsClients > 10_000) {
                throw new InvalidInputException("config: http.metricsClients " + metricsClients
                        + " is invalid: accepted 0..10000 (series per client in /metrics; 0 for totals only)");
            }
            trustedProxies = trustedProxies == null ? java.util.List.of() : java.util.List.copyOf(trustedProxies);
            for (String p : trustedProxies) {
                if (p == null || !(p.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || p.matches("[0-9A-Fa-f:.]{2,45}") && p.indexOf(':') >= 0)) {
                    throw new InvalidInputException("config: http.trustedProxies entry " + Validation.quote(p)
                            + " is invalid: accepted IPv4 or IPv6 addresses such as 127.0.0.1 or ::1");
                }
            }
        }

        static Http defaults() {
            return new Http(null, null);
        }
    }

    /**
     * @param mode      {@code routed} (the default: the provider routes P to this server) or
     *                  {@code on-link} (P is on the link of {@code interface}, and the daemon keeps a
     *                  kernel proxy-NDP entry there for each active hermit, so the provider's router
     *                  finds each hermit's address at this server)
     * @param interface the upstream interface of on-link mode (1..15 letters, digits, '_', '.', '-')
     */
    public record Upstream(String mode, String interfaceName) {
        static final Upstream ROUTED = new Upstream("routed", null);
        private static final java.util.regex.Pattern INTERFACE = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,15}");

        public Upstream {
            mode = mode == null ? "routed" : mode;
            if (!mode.equals("routed") && !mode.equals("on-link")) {
                throw new InvalidInputException("upstream mode " + Validation.quote(mode) + " is invalid: accepted routed, on-link");
            }
            if (mode.equals("on-link") && (interfaceName == null || !INTERFACE.matcher(interfaceName).matches()
                    || interfaceName.matches("\\.+"))) {
                throw new InvalidInputException("upstream interface " + Validation.quote(interfaceName) + " is invalid: on-link mode "
                        + "needs the interface P is on-link at, 1..15 letters, digits, '_', '.', '-' (such as eth0)");
            }
            if (mode.equals("routed") && interfaceName != null) {
                throw new InvalidInputException("upstream interface " + Validation.quote(interfaceName) + " is only for on-link mode");
            }
        }

        /** "routed" or "on-link:IF" as typed after {@code init --upstream}. */
        public static Upstream parse(String text) {
            if (text == null || text.equals("routed")) {
                return ROUTED;
            }
            if (text.startsWith("on-link:")) {
                return new Upstream("on-link", text.substring("on-link:".length()));
            }
            throw new InvalidInputException("--upstream " + Validation.quote(text) + ": accepted routed, or on-link:IF with the "
                    + "interface P is on-link at (such as on-link:eth0)");
        }

        public boolean onLink() {
            return mode.equals("on-link");
        }
    }
}
