package net.v6broker.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.v6broker.broker.Actor;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Reclaim;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Effect;
import net.v6broker.broker.Effects;
import net.v6broker.effects.EffectApplier;
import net.v6broker.effects.Tunnels;
import net.v6broker.home.HomeCheck;
import net.v6broker.broker.Client;
import net.v6broker.config.BrokerConfig;
import net.v6broker.config.Home;
import net.v6broker.config.Validation;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.api.BrokerMetrics;
import net.v6broker.openvpn.Listener;
import net.v6broker.openvpn.Supervisor;
import net.v6broker.error.InvalidInputException;
import net.v6broker.openvpn.management.ManagementClient;
import net.v6broker.openvpn.management.ManagementException;
import net.v6broker.openvpn.management.Message;
import net.v6broker.openvpn.management.Session;
import net.v6broker.openvpn.management.StatusReport;
import net.v6broker.broker.ControlKeys;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.ClientQuery;
import net.v6broker.store.CrlRow;
import net.v6broker.store.EventRow;
import net.v6broker.store.SessionRow;
import net.v6broker.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker daemon of one tunnel server: the control plane beside OpenVPN, never in its data path.
 * At start it renders the server directory from the database (so every client file and the CRL
 * match it) and starts or adopts openvpn. Then, on its own threads: it follows the event stream
 * that every change appends (from this host's CLI, the API or another node) and applies each
 * event — rewrite or remove the client's file, publish the CRL, end a live session with
 * {@code client-kill CID HALT}; it polls {@code status 3} once a second and records sessions with
 * their history; and it re-issues the CRL well before its nextUpdate.
 *
 * <p>OpenVPN decides every connect on its own from the files, so tunnels keep working, and new
 * clients (whose files the CLI writes too) connect, while this process is down.
 *
 * <p>Thread-safe: the scheduled tasks run on one thread.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("v6broker");
    static final Duration EVENT_POLL = Duration.ofMillis(200);
    static final Duration STATUS_POLL = Duration.ofSeconds(1);
    static final Duration CRL_CHECK = Duration.ofMinutes(1);
    /** How often a live session's counters and last_seen are written. */
    static final Duration COUNTER_FLUSH = Duration.ofSeconds(10);
    /** How often every live session is checked against the database, besides each new one at once. */
    static final Duration FULL_CHECK = Duration.ofSeconds(30);
    /** How often the reclaim policy, when on, takes the steps due (its days are counted to the run). */
    static final Duration RECLAIM_RUN = Duration.ofHours(1);

    /** How the daemon runs. */
    public record Options(Layout layout, boolean runOpenvpn, String node, boolean stopOpenvpnOnExit) {
    }

    private final Home home;
    private final BrokerConfig config;
    private final Store store;
    private final Broker broker;
    private final ServerDirs dirs;
    /** The one applier, with this daemon's tunnels. */
    private final EffectApplier applier;
    private final Clock clock;
    private final Options options;
    private final Path serverDir;
    private final ScheduledExecutorService loop;
    /**
     * The reclaim policy's own thread: its hooks may take seconds each, and the loop must go on
     * applying events. Its changes go through the broker like any command's, and reach the loop
     * as events.
     */
    private final ScheduledExecutorService reclaimLoop;
    /** The openvpn processes, by instance name; read by /metrics on an HTTP thread. */
    private final Map<String, Supervisor> supervisors = new java.util.concurrent.ConcurrentHashMap<>();
    /** Management-interface errors met: connections lost, commands refused. */
    private final java.util.concurrent.atomic.AtomicLong managementErrors = new java.util.concurrent.atomic.AtomicLong();
    /** The shared layout's openvpn instances: the UDP server, and those beside it that the configuration turns on. */
    private final List<Instance> instances = new ArrayList<>();
    private HomeLock lock;
    private long cursor;
    private volatile Instant lastStatus;
    /** The sessions the last status poll saw, by {@link #identity}; the daemon thread's own. */
    private final Map<String, Seen> seen = new HashMap<>();
    /** When every session was last checked against the database; null until the first poll on a connection. */
    private Instant lastFullCheck;
    private volatile boolean reconciled;
    private final java.security.SecureRandom random;
    /** On-link upstream: the proxy-NDP entries of the active hermits; null when P is routed to this server. */
    private final ProxyNeighbours neighbours;
    /** What {@link HomeCheck} found at the last look (at start, then every minute); empty when all is well. */
    private volatile List<String> problems = List.of();

    public Daemon(Home home, BrokerConfig config, Store store, Broker broker, Clock clock, java.security.SecureRandom random,
                  Options options) {
        this.random = random;
        this.home = home;
        this.config = config;
        this.store = store;
        // what the daemon changes by itself (the CRL it keeps fresh) is recorded as the daemon's
        this.broker = broker.as(Actor.daemon(options.node()));
        this.dirs = new ServerDirs(home, config, () -> ControlKeys.serverKey(store, random));
        this.applier = new EffectApplier(home, dirs, new DaemonTunnels());
        this.neighbours = config.upstream().onLink() ? new ProxyNeighbours(config.upstream().interfaceName()) : null;
        this.clock = clock;
        this.options = options;
        this.serverDir = ServerDirs.daemonDirectory(home, options.layout());
        if (options.layout() == Layout.SHARED) {
            for (Listener l : Listener.enabled(config.openvpn())) {
                instances.add(new Instance(l.instanceName(), l.managementSocket(serverDir)));
            }
        }
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "daemon");
            t.setDaemon(true);
            return t;
        });
        this.reclaimLoop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reclaim");
            t.setDaemon(true);
            return t;
        });
    }

    /** The directory OpenVPN runs from. */
    public Path serverDir() {
        return serverDir;
    }

    public Optional<Instant> lastStatus() {
        return Optional.ofNullable(lastStatus);
    }

    /** What /metrics reports of this daemon: each openvpn it runs (up, restarts), and the management errors. */
    public BrokerMetrics.DaemonFacts facts() {
        List<BrokerMetrics.Openvpn> out = new ArrayList<>();
        for (Map.Entry<String, Supervisor> e : new java.util.TreeMap<>(supervisors).entrySet()) {
            out.add(new BrokerMetrics.Openvpn(e.getKey(), e.getValue().pid().isPresent(), e.getValue().restarts()));
        }
        return new BrokerMetrics.DaemonFacts(out, managementErrors.get());
    }

    /** The home's problems as last checked (a CA or server key, certificate, tls-crypt key): for health. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Checks the CA, server and tls-crypt files ({@link HomeCheck}); logs what changed since the last
     * look, so a broken key is an error in the log once and its repair a line too.
     */
    void checkHome() {
        List<String> found = HomeCheck.problems(home, clock, random);
        if (!found.equals(problems)) {
            for (String p : found) {
                LOG.error("{} (serving degraded: changes that issue or sign fail; /api/v1/health reports it)", p);
            }
            if (found.isEmpty()) {
                LOG.info("the CA, server and tls-crypt files are usable again");
            }
        }
        problems = List.copyOf(found);
        if (found.isEmpty()) {
            List<String> warnings = net.v6broker.api.CertificateWarnings.of(home.read(home.caCertificate()),
                    home.read(home.serverCertificate()), clock.instant(), config.ca());
            Instant now = clock.instant();
            if (!warnings.isEmpty() && (lastCertificateWarning == null
                    || !now.isBefore(lastCertificateWarning.plus(Duration.ofDays(1))))) {
                warnings.forEach(w -> LOG.warn("{}", w));
                lastCertificateWarning = now;
            }
        }
    }

    /** When the certificate warnings were last logged: once a day is enough to be seen and not to drown the log. */
    private Instant lastCertificateWarning;

    /**
     * Takes the home's daemon lock, reconciles, starts openvpn and the loops. Returns once everything
     * runs. The event stream is followed from this node's stored cursor, so a change made while the
     * daemon was down (a revoke, say) is applied now, its kill included; a node that never ran starts
     * at the newest event, the rendering having brought its files up to date.
     */
    public void start() {
        lock();
        try {
            reconcileAndRun();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Takes the home's daemon lock (one daemon per home), if this daemon does not hold it yet:
     * {@code serve} takes it before it listens, then answers HTTP while {@link #start} reconciles.
     */
    public void lock() {
        if (lock == null) {
            lock = HomeLock.acquire(home.dir(), options.node(), clock);
        }
    }

    /** Whether the start's reconciliation (files, CRL, openvpn) is done. */
    public boolean reconciled() {
        return reconciled;
    }

    private void reconcileAndRun() {
        if (options.layout() == Layout.PER_CLIENT && Listener.enabled(config.openvpn()).size() > 1) {
            throw new InvalidInputException("config: openvpn.tcpPort and openvpn.compatPort run instances beside the shared "
                    + "layout's server; the per-client layout has a server per client: serve --layout shared, or set them to 0");
        }
        checkHome();
        refreshCrlIfDue();
        renewServerCertificateIfDue(); // before the files are rendered: an openvpn started now reads the new one
        long stored = store.read(tx -> tx.eventCursor(options.node()));
        long newest = store.read(tx -> tx.lastEventId());
        cursor = stored > 0 ? Math.min(stored, newest) : newest;
        if (stored == 0) {
            saveCursor(); // from now on this node has a cursor to resume from, whatever happens to this process
        }
        ServerDirs.Rendered r = dirs.render(serverDir, options.layout(), broker.walk(ClientQuery.ALL));
        publishCrl();
        if (neighbours != null) {
            int[] n = neighbours.reconcile(broker.walk(ClientQuery.ALL.withStatus(ClientStatus.ACTIVE).withType(ClientKind.HERMIT)),
                    broker.plan().prefix());
            LOG.info("upstream on-link at {}: proxy NDP for {} active hermit(s), {} entr(ies) added, {} removed",
                    config.upstream().interfaceName(), neighbours.size(), n[0], n[1]);
        }
        LOG.info("reconciled {} ({} layout): {} active client(s), {} file(s) written, {} stale removed; events from #{} ({})",
                serverDir, options.layout().cliName(), r.clients(), r.written(), r.removed(), cursor,
                stored > 0 ? (newest - cursor) + " to apply since this node's last run" : "this node's first run");
        if (options.runOpenvpn()) {
            if (options.layout() == Layout.SHARED) {
                for (Listener l : Listener.enabled(config.openvpn())) {
                    supervise(l.instanceName(), serverDir.resolve(l.configFile()));
                }
                if (config.openvpn().compatPort() != 0) {
                    LOG.warn("openvpn.compatPort: the instance on UDP {} takes clients without tls-crypt; anyone who reaches it "
                            + "can start a TLS handshake with the server (docs/decisions.md 26)", config.openvpn().compatPort());
                }
            } else {
                Set<String> active = new HashSet<>();
                for (Client c : broker.walk(ClientQuery.ALL.withStatus(ClientStatus.ACTIVE))) {
                    active.add(c.name());
                    supervise(c.name(), serverDir.resolve(c.name() + ".conf"));
                }
                stopInactiveInstances(active);
            }
        }
        loop.scheduleWithFixedDelay(guard("events", this::applyEvents), 0, EVENT_POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (options.layout() == Layout.SHARED) {
            loop.scheduleWithFixedDelay(guard("status", this::pollStatus), 0, STATUS_POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
        loop.scheduleWithFixedDelay(guard("crl", this::refreshCrlIfDue), CRL_CHECK.toMillis(), CRL_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard("home check", this::checkHome), CRL_CHECK.toMillis(), CRL_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard("server certificate", this::renewServerCertificateIfDue), CRL_CHECK.toMillis(),
                CRL_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard("reload", this::reloadIfPending), 0, STATUS_POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (config.clients().reclaim().on()) {
            Reclaim reclaim = new Reclaim(broker, store, clock, config.clients().reclaim());
            reclaimLoop.scheduleWithFixedDelay(guard("reclaim", () -> reclaim.run().forEach(step ->
                    LOG.info("reclaim: {} {}: {}", step.action(), step.client(), step.detail()))),
                    CRL_CHECK.toMillis(), RECLAIM_RUN.toMillis(), TimeUnit.MILLISECONDS);
        }
        reconciled = true;
    }

    /**
     * Per-client layout: ends the openvpn instances, left running from an earlier run, of clients
     * that are no longer active (revoked, suspended or deleted while the daemon was down).
     */
    private void stopInactiveInstances(Set<String> active) {
        Path run = serverDir.resolve("run");
        if (!Files.isDirectory(run)) {
            return;
        }
        try (var pids = Files.newDirectoryStream(run, "*.pid")) {
            for (Path pid : pids) {
                String file = pid.getFileName().toString();
                String name = file.substring(0, file.length() - ".pid".length());
                if (!active.contains(name) && !supervisors.containsKey(name)) {
                    Supervisor s = new Supervisor(name, serverDir.resolve(name + ".conf"), pid, run.resolve(name + ".log"), clock,
                            line -> LOG.info(line));
                    if (s.adopt()) {
                        s.stop(true);
                        LOG.info("openvpn of {} stopped: the client is not active (changed while the daemon was down)", name);
                    } else {
                        s.stop(false);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("listing " + run, e);
        }
    }

    private void supervise(String name, Path conf) {
        Path run = serverDir.resolve("run");
        Supervisor s = new Supervisor(name, conf, run.resolve(name + ".pid"), run.resolve(name + ".log"), clock,
                line -> LOG.info(line));
        supervisors.put(name, s);
        s.start();
    }

    /** Applies every event appended since the last one applied. */
    void applyEvents() {
        List<EventRow> events = store.read(tx -> tx.eventsAfter(cursor, 500));
        for (EventRow e : events) {
            apply(e);
            cursor = e.id();
        }
        if (!events.isEmpty()) {
            saveCursor();
        }
    }

    private void saveCursor() {
        long applied = cursor;
        store.inTransaction(tx -> {
            tx.setEventCursor(options.node(), applied, clock.instant());
            return null;
        });
    }

    /**
     * Applies one event: its effects, derived from its kind and the client as it is now, exactly as
     * the broker derived them for its own change ({@link Effects#of}), by the one applier. Under the
     * applier's order, so that a change committing meanwhile is applied after this one.
     */
    private void apply(EventRow e) {
        List<String> did = applier.inOrder(() -> {
            Optional<Client> client = e.clientName() == null ? Optional.empty() : broker.find(e.clientName());
            return applier.applyAndDescribe(Effects.of(e.kind(), e.clientName(), client, broker::currentCrl));
        });
        if (!did.isEmpty()) {
            LOG.info("event #{} {}{}: {}", e.id(), e.kind().dbName(), e.clientName() == null ? "" : " " + e.clientName(),
                    String.join(", ", did));
        }
    }

    /**
     * This daemon's tunnels: sessions end over the management interface (shared layout), and a
     * client's own instance starts and stops with its state (per-client layout).
     */
    private final class DaemonTunnels implements Tunnels {
        @Override
        public void clientChanged(String name, Optional<Client> client) {
            if (neighbours != null) {
                neighbours.changed(name, client);
            }
            if (options.layout() != Layout.PER_CLIENT || !options.runOpenvpn()) {
                return;
            }
            boolean active = client.filter(Client::active).isPresent();
            Supervisor s = supervisors.get(name);
            if (active && s == null) {
                supervise(name, serverDir.resolve(name + ".conf"));
            } else if (!active && s != null) {
                supervisors.remove(name).stop(true);
            }
        }

        @Override
        public int endSessions(String name) {
            return Daemon.this.endSessions(name);
        }

        @Override
        public void reloadServers() {
            Daemon.this.reloadServers();
        }
    }

    /** Ends the client's live sessions on this server (shared layout); returns how many. */
    private int endSessions(String name) {
        if (options.layout() != Layout.SHARED) {
            return 0;
        }
        int killed = 0;
        for (Instance in : instances) {
            Optional<ManagementClient> m = in.management();
            if (m.isEmpty()) {
                continue;
            }
            try {
                for (Session s : m.get().status().sessions()) {
                    if (s.commonName().equalsIgnoreCase(name) && !in.ending.contains(s.clientId()) && killed(m.get(), s)) {
                        in.ending.add(s.clientId());
                        killed++;
                    }
                }
            } catch (ManagementException e) {
                in.lost(e);
            }
        }
        return killed;
    }

    /**
     * Records the sessions OpenVPN reports, writing only what changed: a new session at once, an
     * ended one at once (with its last counters), and a live one's counters and last_seen every
     * {@link #COUNTER_FLUSH}, so that 2,000 live sessions are not 2,000 writes a second. It also ends
     * every session whose client the database does not hold as active: a kill can be lost (an event
     * applied before the management interface answered, a daemon killed between commit and kill), so
     * the first poll on a management connection checks every session against the database, later
     * polls each new session, and every {@link #FULL_CHECK} all of them again; the log says why.
     */
    void pollStatus() {
        List<Session> sessions = new ArrayList<>();
        Map<String, Instance> where = new HashMap<>();
        boolean answered = false;
        for (Instance in : instances) {
            Optional<ManagementClient> m = in.management();
            if (m.isEmpty()) {
                continue;
            }
            try {
                StatusReport report = m.get().status();
                Set<Long> listed = new HashSet<>();
                for (Session s : report.sessions()) {
                    sessions.add(s);
                    where.put(identity(s), in);
                    listed.add(s.clientId());
                }
                in.ending.retainAll(listed); // OpenVPN lists a halted client for a few seconds more; killed once is enough
                answered = true;
            } catch (ManagementException e) {
                in.lost(e);
            }
        }
        if (!answered) {
            return;
        }
        Instant now = clock.instant();
        boolean first = lastFullCheck == null;
        boolean full = first || !now.isBefore(lastFullCheck.plus(FULL_CHECK));
        Map<String, Session> current = new HashMap<>();
        List<Session> toCheck = new ArrayList<>();
        for (Session s : sessions) {
            current.put(identity(s), s);
            if (full || !seen.containsKey(identity(s))) {
                toCheck.add(s);
            }
        }
        endInactive(toCheck, where);
        if (instances.size() > 1) {
            endSuperseded(sessions, where);
        }
        List<Session> toWrite = new ArrayList<>();
        for (Session s : sessions) {
            Seen before = seen.get(identity(s));
            if (before == null || !now.isBefore(before.written().plus(COUNTER_FLUSH))) {
                toWrite.add(s);
            }
        }
        List<Seen> ended = new ArrayList<>();
        for (Map.Entry<String, Seen> e : seen.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                ended.add(e.getValue());
            }
        }
        if (!toWrite.isEmpty() || !ended.isEmpty() || first) {
            store.inTransaction(tx -> {
                for (Session s : toWrite) {
                    tx.upsertSession(row(s, now));
                }
                for (Seen e : ended) {
                    tx.endSession(row(e.session(), e.lastSeen()), now);
                    LOG.info("session of {} from {} ended (seen {} s)", e.session().commonName(), e.session().realAddress(),
                            Duration.between(e.session().connectedSince(), now).toSeconds());
                }
                if (first) { // sessions recorded as live before this daemon ran, which OpenVPN no longer has
                    for (SessionRow live : tx.liveSessions(options.node())) {
                        if (!current.containsKey(identity(live.managementClientId(), live.connectedAt()))) {
                            tx.endSession(live, now);
                            LOG.info("session of {} from {} ended (seen {} s)", live.clientName(), live.realAddress(),
                                    Duration.between(live.connectedAt(), now).toSeconds());
                        }
                    }
                }
                return null;
            });
        }
        Set<String> written = new HashSet<>();
        toWrite.forEach(s -> written.add(identity(s)));
        Map<String, Seen> next = new HashMap<>();
        for (Map.Entry<String, Session> e : current.entrySet()) {
            Seen before = seen.get(e.getKey());
            // a session first seen at a daemon start is written then; its next writes are spread over
            // the flush period by its client id, so that they do not all fall in the same second
            Instant at = !written.contains(e.getKey()) ? before.written()
                    : before == null && first ? now.minusMillis(Math.floorMod(e.getValue().clientId(), COUNTER_FLUSH.toSeconds()) * 1000)
                    : now;
            next.put(e.getKey(), new Seen(e.getValue(), at, now));
        }
        seen.clear();
        seen.putAll(next);
        if (full) {
            lastFullCheck = now;
        }
        lastStatus = now;
    }

    /** A session as OpenVPN last reported it, when its row was last written, when it was last reported. */
    private record Seen(Session session, Instant written, Instant lastSeen) {
    }

    /** OpenVPN's identity of a session: its client id and its connect time. */
    private static String identity(Session s) {
        return identity(s.clientId(), s.connectedSince());
    }

    private static String identity(long clientId, Instant connectedSince) {
        return clientId + "@" + connectedSince.toEpochMilli();
    }

    private SessionRow row(Session s, Instant lastSeen) {
        return new SessionRow(0, options.node(), s.commonName(), s.clientId(), s.realAddress(), s.virtualIpv6(),
                s.connectedSince(), lastSeen, s.bytesReceived(), s.bytesSent(), null);
    }

    /** Ends the sessions among {@code sessions} (on the instances {@code where} says) whose client the database does not hold as active. */
    private void endInactive(List<Session> sessions, Map<String, Instance> where) {
        Map<String, ClientStatus> statuses = sessions.isEmpty() ? Map.of()
                : store.read(tx -> tx.statusesOf(sessions.stream().map(Session::commonName).toList()));
        for (Session s : sessions) {
            if (inHandshake(s)) {
                continue; // not yet anybody's session
            }
            ClientStatus st = statuses.get(s.commonName().toLowerCase(java.util.Locale.ROOT));
            Instance in = where.get(identity(s));
            if (st != ClientStatus.ACTIVE && !in.ending.contains(s.clientId()) && in.client != null) {
                String why = st == null ? "no such client (deleted)" : "the client is " + st.dbName();
                in.ending.add(s.clientId());
                if (killed(in.client, s)) {
                    LOG.info("session of {} from {} ended: {} (reconciled against the database)", s.commonName(), s.realAddress(), why);
                }
            }
        }
    }

    /**
     * A client with a session on both instances (it came back over UDP while its TCP connection,
     * cut without a word, still lingers on the server, or the reverse): the older session ends, and
     * with it the routes that would still send the client's traffic to the instance it has left.
     */
    private void endSuperseded(List<Session> sessions, Map<String, Instance> where) {
        Map<String, Session> newest = new HashMap<>();
        for (Session s : sessions) {
            if (!inHandshake(s)) {
                newest.merge(s.commonName().toLowerCase(java.util.Locale.ROOT), s,
                        (a, b) -> a.connectedSince().isAfter(b.connectedSince()) ? a : b);
            }
        }
        for (Session s : sessions) {
            Session n = newest.get(s.commonName().toLowerCase(java.util.Locale.ROOT));
            Instance in = where.get(identity(s));
            Instance newer = n == null ? null : where.get(identity(n));
            if (n != null && newer != in && !in.ending.contains(s.clientId()) && in.client != null) {
                in.ending.add(s.clientId());
                if (killed(in.client, s)) {
                    LOG.info("session of {} from {} on the {} instance ended: superseded by its session from {} on the {} instance",
                            s.commonName(), s.realAddress(), in.name, n.realAddress(), newer.name);
                }
            }
        }
    }

    /**
     * Whether OpenVPN lists the session before its TLS handshake has named it: common name
     * {@code UNDEF} (a name no client can take, {@link NewClient#checkName}), or not a client name.
     */
    private static boolean inHandshake(Session s) {
        return s.commonName().equals(NewClient.HANDSHAKE_NAME) || !Validation.NAME.matcher(s.commonName()).matches();
    }

    /** Sends {@code client-kill CID HALT}; an {@code ERROR:} reply is logged with OpenVPN's text. */
    private boolean killed(ManagementClient m, Session s) {
        Message reply = m.kill(s.clientId());
        if (reply instanceof Message.Success) {
            return true;
        }
        managementErrors.incrementAndGet();
        LOG.warn("ending the session of {} from {} (client id {}) failed: OpenVPN answered {}", s.commonName(), s.realAddress(),
                s.clientId(), reply instanceof Message.Failure f ? "ERROR: " + f.text() : reply);
        return false;
    }

    /**
     * One openvpn instance of the shared layout as the daemon talks to it: its management socket, the
     * connection (reconnected when lost), and the client ids of the sessions this daemon has told it
     * to end while it still lists them (ids are an instance's own: both count from 0).
     */
    private final class Instance {
        final String name;
        final Path socket;
        ManagementClient client;
        final Set<Long> ending = new HashSet<>();

        Instance(String name, Path socket) {
            this.name = name;
            this.socket = socket;
        }

        /** The management connection; empty while OpenVPN is not answering. */
        Optional<ManagementClient> management() {
            if (client != null && client.isOpen()) {
                return Optional.of(client);
            }
            if (!Files.exists(socket)) {
                return Optional.empty();
            }
            try {
                client = ManagementClient.connect(socket, Duration.ofSeconds(5), Daemon.this::notification);
                lastFullCheck = null; // check every session on this connection's first poll
                LOG.info("management interface of the {} instance connected ({})", name, socket);
                return Optional.of(client);
            } catch (ManagementException e) {
                LOG.debug("management interface of the {} instance not available: {}", name, e.getMessage());
                return Optional.empty();
            }
        }

        void lost(ManagementException e) {
            managementErrors.incrementAndGet();
            LOG.warn("management interface of the {} instance: {}", name, e.getMessage());
            close();
        }

        void close() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    private void notification(Message m) {
        if (m instanceof Message.Malformed bad) {
            LOG.warn("management interface sent a malformed line ({}): {}", bad.reason(), bad.excerpt());
        } else if (m instanceof Message.Notification n && n.source().equals("FATAL")) {
            LOG.warn("openvpn reports a fatal error: {}", n.text());
        }
    }

    /**
     * Renews the server certificate once it has fewer than {@code ca.serverRenewDays} left
     * ({@link HomeCa#renewServerIfDue}), writes it into every rendered directory and has every
     * openvpn instance of this node reload it ({@link #reloadIfPending}): UDP clients are told to
     * reconnect at once ({@code explicit-exit-notify}), TCP clients reconnect when their connection
     * drops. docs/decisions.md 31.
     */
    void renewServerCertificateIfDue() {
        Optional<Instant> renewed;
        try {
            renewed = net.v6broker.home.HomeCa.renewServerIfDue(home, config, clock, random);
        } catch (net.v6broker.ca.CaException e) {
            LOG.warn("server certificate: {}", e.getMessage());
            return;
        }
        if (renewed.isPresent()) {
            LOG.info("server certificate renewed, valid until {}", renewed.get());
            // this node's own files: applied here, not through the stream (each node has its own server certificate)
            applier.apply(List.of(new Effect.ServerFilesChanged()));
        }
    }

    /** Marks every openvpn instance of this node to re-read its files, and tells those that answer now. */
    private void reloadServers() {
        reloadPending.clear();
        if (options.layout() == Layout.SHARED) {
            instances.forEach(in -> reloadPending.add(in.name));
        } else {
            reloadPending.addAll(supervisors.keySet());
        }
        LOG.info("reloading {} openvpn instance(s)", reloadPending.size());
        reloadIfPending();
    }

    /** The instances still to reload since the server certificate was renewed: those not answering yet are tried again. */
    private final Set<String> reloadPending = new java.util.concurrent.ConcurrentSkipListSet<>();

    void reloadIfPending() {
        if (reloadPending.isEmpty()) {
            return;
        }
        if (options.layout() == Layout.SHARED) {
            for (Instance in : instances) {
                if (!reloadPending.contains(in.name)) {
                    continue;
                }
                Optional<ManagementClient> m = in.management();
                if (m.isEmpty()) {
                    continue;
                }
                try {
                    m.get().send(net.v6broker.openvpn.management.Command.reload());
                    reloadPending.remove(in.name);
                    LOG.info("openvpn {} reloads its configuration and the new server certificate", in.name);
                } catch (ManagementException e) {
                    in.lost(e);
                }
            }
            return;
        }
        for (String name : List.copyOf(reloadPending)) {
            Supervisor s = supervisors.get(name);
            if (s == null || s.reload()) {
                reloadPending.remove(name);
            }
        }
    }

    /** Re-issues the CRL once a third of its validity is left, so it can never expire under a running server. */
    void refreshCrlIfDue() {
        CrlRow before = broker.currentCrl();
        broker.reissueCrlIfDue().ifPresent(fresh -> LOG.info("CRL #{} re-issued ({} left on #{}), next update {}",
                fresh.number(), Duration.between(clock.instant(), before.nextUpdate()), before.number(), fresh.nextUpdate()));
    }

    /**
     * Publishes the database's newest CRL to the home and every rendered directory. The change may
     * come from another process or another node, so the home's file is never trusted to be current.
     */
    private void publishCrl() {
        applier.apply(List.of(new Effect.PublishCrl(broker.currentCrl())));
    }

    private Runnable guard(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (ManagementException e) {
                LOG.warn("{}: {}", what, e.getMessage());
                managementErrors.incrementAndGet();
                instances.forEach(Instance::close);
            } catch (RuntimeException e) {
                LOG.error("{} failed", what, e);
            }
        };
    }

    @Override
    public void close() {
        reclaimLoop.shutdownNow();
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Supervisor s : supervisors.values()) {
            s.stop(options.stopOpenvpnOnExit());
        }
        instances.forEach(Instance::close);
        if (lock != null) {
            lock.close();
        }
        LOG.info("stopped{}", options.stopOpenvpnOnExit() ? " (openvpn stopped too)" : "; openvpn keeps serving the tunnels");
    }
}
