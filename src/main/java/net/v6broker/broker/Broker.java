package net.v6broker.broker;

import java.math.BigInteger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.GeneratedKey;
import net.v6broker.ca.RevokedEntry;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Assignment;
import net.v6broker.ipam.Region;
import net.v6broker.store.CertificateRow;
import net.v6broker.store.ClientQuery;
import net.v6broker.store.ClientRow;
import net.v6broker.store.CrlRow;
import net.v6broker.store.EventKind;
import net.v6broker.store.Store;
import net.v6broker.store.Tx;
import net.v6broker.store.UniqueViolation;

/**
 * The one coordinator: every change to clients goes through here, in one database transaction
 * that writes the rows and an event per thing that happened. The effects of the change are derived
 * from those events ({@link Effects#of}, as every daemon derives them from the stream) and, once
 * the transaction has committed, handed to the {@link EffectSink} this broker was made with: no
 * caller can forget them. Certificates are issued before the transaction starts, so the database
 * lock is never held during key generation.
 *
 * <p>Thread-safe: it holds no mutable state of its own; the database serialises writers.
 */
public final class Broker {
    private static final int MAX_ATTEMPTS = 5;

    private final BrokerConfig config;
    private final AddressPlan plan;
    private final Supplier<Store> store;
    private final Supplier<CertificateAuthority> ca;
    private final Clock clock;
    private final EffectSink effects;
    private final Actor actor;

    public Broker(BrokerConfig config, Store store, Supplier<CertificateAuthority> ca, Clock clock, EffectSink effects) {
        this(config, constant(Objects.requireNonNull(store, "store")), ca, clock, effects);
    }

    /**
     * A broker that asks for its database when it first uses it, and for the CA when it first
     * issues: {@link #issue} needs no database, so a bulk import starts issuing while the database
     * is still being opened.
     */
    public Broker(BrokerConfig config, Supplier<Store> store, Supplier<CertificateAuthority> ca, Clock clock,
                  EffectSink effects) {
        this.config = Objects.requireNonNull(config, "config");
        this.plan = config.plan();
        this.store = Objects.requireNonNull(store, "store");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.effects = Objects.requireNonNull(effects, "effects");
        this.actor = Actor.commandLine();
    }

    private Broker(Broker b, Actor actor) {
        this.config = b.config;
        this.plan = b.plan;
        this.store = b.store;
        this.ca = b.ca;
        this.clock = b.clock;
        this.effects = b.effects;
        this.actor = Objects.requireNonNull(actor, "actor");
    }

    /**
     * This broker, its changes recorded in the audit trail as made by {@code actor}. A broker made
     * by a constructor records the command line's user ({@link Actor#commandLine}).
     */
    public Broker as(Actor actor) {
        return new Broker(this, actor);
    }

    /** Who this broker's changes are recorded as made by. */
    public Actor actor() {
        return actor;
    }

    private static Supplier<Store> constant(Store store) {
        return () -> store;
    }

    /** The address plan with the regions the database records (a region added on another node included). */
    public AddressPlan plan() {
        return store.get().read(this::plan);
    }

    /** The address plan as this transaction sees it: P from the configuration, the regions from the database. */
    private AddressPlan plan(Tx tx) throws SQLException {
        return plan.withRegions(tx.regions());
    }

    // ---- reads

    public Client show(String name) {
        return store.get().read(tx -> view(tx, live(tx, name)));
    }

    /** The client of that name, or empty when there is none (deleted, never added). */
    public Optional<Client> find(String name) {
        return store.get().read(tx -> {
            Optional<ClientRow> row = tx.client(name);
            return row.isPresent() ? Optional.of(view(tx, row.get())) : Optional.empty();
        });
    }

    /** Clients read per query by {@link #walk}. */
    static final int WALK_BATCH = 500;

    /** One page of a listing: how many clients the query selects in all, and the page's. */
    public record Page(long total, List<Client> items) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** The clients {@code q} selects from {@code offset} on, at most {@code limit}, in name order, with their total. */
    public Page page(ClientQuery q, long offset, int limit) {
        return store.get().read(tx -> new Page(tx.countClients(q), views(tx, tx.clients(q, offset, limit))));
    }

    /** The clients of these rows, their certificates read in one query ({@link Tx#certificates}). */
    private List<Client> views(Tx tx, List<ClientRow> rows) throws SQLException {
        List<Client> out = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += Tx.MAX_SERIALS_A_QUERY) {
            List<ClientRow> part = rows.subList(from, Math.min(rows.size(), from + Tx.MAX_SERIALS_A_QUERY));
            Map<String, CertificateRow> certs = tx.certificates(part.stream().map(ClientRow::serial).toList());
            for (ClientRow row : part) {
                out.add(view(row, Optional.ofNullable(certs.get(row.serial()))));
            }
        }
        return out;
    }

    /**
     * Every client {@code q} selects, in name order, read {@value #WALK_BATCH} at a time as the
     * iteration goes: memory stays constant however many there are. Each batch is one read, so a
     * client added or deleted during a walk may or may not be seen; whoever walks to render follows
     * the event stream from before the walk, which brings such a change in afterwards.
     */
    public Iterable<Client> walk(ClientQuery q) {
        return walk(q, WALK_BATCH);
    }

    /** {@link #walk(ClientQuery)}, {@code batch} clients a read. */
    Iterable<Client> walk(ClientQuery q, int batchSize) {
        return () -> new Iterator<>() {
            private List<Client> batch = read(q);
            private int next;

            private List<Client> read(ClientQuery from) {
                return store.get().read(tx -> views(tx, tx.clients(from, 0, batchSize)));
            }

            @Override
            public boolean hasNext() {
                if (next == batch.size() && batch.size() == batchSize) {
                    batch = read(q.after(batch.get(batchSize - 1).name()));
                    next = 0;
                }
                return next < batch.size();
            }

            @Override
            public Client next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.get(next++);
            }
        };
    }

    /** How many live clients there are by state and kind, counted by the database. */
    public Counts counts() {
        return new Counts(store.get().read(Tx::clientCounts));
    }

    /** Live clients by state and kind. */
    public record Counts(long[][] byStatusAndKind) {
        public long total() {
            long n = 0;
            for (long[] row : byStatusAndKind) {
                for (long v : row) {
                    n += v;
                }
            }
            return n;
        }

        public long of(ClientStatus status) {
            long n = 0;
            for (long v : byStatusAndKind[status.ordinal()]) {
                n += v;
            }
            return n;
        }

        public long of(ClientKind kind) {
            long n = 0;
            for (long[] row : byStatusAndKind) {
                n += row[kind.ordinal()];
            }
            return n;
        }
    }

    /** The newest CRL as stored. */
    public CrlRow currentCrl() {
        return store.get().read(tx -> tx.latestCrl()
                .orElseThrow(() -> new IllegalStateException("the database holds no CRL: was 'init' completed?")));
    }

    // ---- changes

    /** Adds one client: allocates its address or prefix, issues its certificate, stores both. */
    public Outcome<Client> add(NewClient request) {
        return add(request, issue(request.name()));
    }

    /**
     * As {@link #add(NewClient)}, with a key made beforehand by {@link GeneratedKey#generate}
     * (a command adding one client makes it while the CA loads). A key of another type than the
     * CA's is not used: a new one is made.
     */
    public Outcome<Client> add(NewClient request, GeneratedKey key) {
        CertificateAuthority authority = ca.get();
        Duration validity = Duration.ofDays(config.ca().certificateDays());
        return add(request, Credentials.of(key.type() == authority.keyType()
                ? authority.issueClient(request.name(), validity, key)
                : authority.issueClient(request.name(), validity)));
    }

    private Outcome<Client> add(NewClient request, Credentials cert) {
        return retryingUniqueViolations(() -> commit((tx, r) -> {
            Client c = addIn(tx, r, request, cert);
            crlIfDue(tx, r);
            return c;
        }));
    }

    /** Runs a change again when another writer took the name or the prefix between its read and its write. */
    static <T> T retryingUniqueViolations(Supplier<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return change.get();
            } catch (UniqueViolation e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Issues a client certificate with the configured lifetime and encodes it for storage; no
     * database work. Thread-safe: the importer calls it from its issuing threads.
     */
    public Credentials issue(String name) {
        return Credentials.of(ca.get().issueClient(name, Duration.ofDays(config.ca().certificateDays())));
    }

    /**
     * Adds many clients in one transaction, in order. Stops at the first name that is already taken
     * and reports its position; the ones before it are committed with it.
     */
    public BatchResult addBatch(List<NewClient> requests, List<Credentials> certs) {
        if (requests.size() != certs.size()) {
            throw new IllegalArgumentException("one certificate per request expected");
        }
        return commit((tx, r) -> {
            crlIfDue(tx, r);
            Map<String, Allocator> allocators = new HashMap<>();
            List<Client> added = new ArrayList<>(requests.size());
            // one query for the whole batch, then the batch's own names as they are added
            Set<String> taken = tx.liveNames(requests.stream().map(NewClient::name).toList());
            for (int i = 0; i < requests.size(); i++) {
                NewClient request = requests.get(i);
                if (!taken.add(request.name().toLowerCase(Locale.ROOT))) {
                    return new BatchResult(added, Optional.of(new BatchFailure(i, duplicate(request.name()))));
                }
                Allocator allocator = allocators.get(request.pool());
                if (allocator == null) {
                    allocator = allocator(tx, request, r.now);
                    allocators.put(request.pool(), allocator);
                }
                added.add(insert(tx, r, request, certs.get(i), allocator.next()));
            }
            return new BatchResult(added, Optional.empty());
        }).value();
    }

    /** What a batch added, and where it stopped if it did. */
    public record BatchResult(List<Client> added, Optional<BatchFailure> failure) {
    }

    /** The position in the batch of the request that could not be added, and why. */
    public record BatchFailure(int index, String message) {
    }

    /** Revokes a client's certificate for good; the prefix stays out of use until the client is deleted. */
    public Outcome<Client> revoke(String name) {
        Outcome<List<Client>> o = revoke(List.of(name));
        return new Outcome<>(o.value().get(0), o.effects());
    }

    /**
     * Revokes several clients in one transaction, with one CRL for all: all of them or, when one is
     * unknown, already revoked or named twice, none.
     */
    public Outcome<List<Client>> revoke(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no client to revoke");
        }
        return commit((tx, r) -> {
            Set<String> seen = new java.util.HashSet<>();
            List<Client> revoked = new ArrayList<>(names.size());
            for (String name : names) {
                ClientRow c = live(tx, name);
                if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                    throw new net.v6broker.error.InvalidInputException("client '" + c.name() + "' is named twice");
                }
                if (c.status() == ClientStatus.REVOKED) {
                    throw new ConflictException("client '" + c.name() + "' is already revoked");
                }
                Client before = view(tx, c);
                tx.revokeCertificates(c.id(), r.now);
                tx.setStatus(c.id(), ClientStatus.REVOKED, r.now);
                Client after = view(tx, live(tx, name));
                r.client(EventKind.REVOKE, Optional.of(before), after, "serial " + c.serial());
                revoked.add(after);
            }
            issueCrl(tx, r);
            return revoked;
        });
    }

    /** Refuses the client at connect until resumed; its certificate stays valid. */
    public Outcome<Client> suspend(String name) {
        return suspend(name, null);
    }

    /** {@link #suspend(String)}, with the reason recorded in its event and audit row (the reclaim policy's). */
    public Outcome<Client> suspend(String name, String reason) {
        return changeStatus(name, ClientStatus.ACTIVE, ClientStatus.SUSPENDED, EventKind.SUSPEND, reason);
    }

    /** Lets a suspended client connect again; a reclaim notice it had is withdrawn, so its grace starts over. */
    public Outcome<Client> resume(String name) {
        return changeStatus(name, ClientStatus.SUSPENDED, ClientStatus.ACTIVE, EventKind.RESUME, null);
    }

    private Outcome<Client> changeStatus(String name, ClientStatus from, ClientStatus to, EventKind kind, String reason) {
        return commit((tx, r) -> {
            ClientRow c = live(tx, name);
            if (c.status() != from) {
                throw new ConflictException("cannot " + kind.dbName() + " client '" + c.name() + "': it is "
                        + c.status().dbName() + ", not " + from.dbName());
            }
            Client before = view(tx, c);
            tx.setStatus(c.id(), to, r.now);
            if (kind == EventKind.RESUME) {
                tx.deleteReclaimNotice(c.id());
            }
            Client after = view(tx, live(tx, name));
            r.client(kind, Optional.of(before), after, reason);
            crlIfDue(tx, r);
            return after;
        });
    }

    /**
     * Gives a subnet client a prefix of another size: the lowest free block of that size's region,
     * with its own transfer /112. The old prefix goes into quarantine as a deleted client's does, the
     * certificate stays, and a connected session is ended so that it reconnects with the new one.
     */
    public Outcome<Client> resize(String name, int size) {
        return commit((tx, r) -> {
            ClientRow c = live(tx, name);
            if (c.type() != ClientKind.SUBNET) {
                throw new ConflictException("client '" + c.name() + "' is a hermit (one /128): only a subnet has a size");
            }
            if (c.size() == size) {
                throw new ConflictException("client '" + c.name() + "' has a /" + size + " already ("
                        + view(tx, c).assignment().prefix() + ")");
            }
            NewClient as = new NewClient(c.name(), c.type(), size, c.os(), c.email(), null);
            Assignment a = allocator(tx, as, r.now).next();
            Client was = view(tx, c);
            String before = was.assignment().prefix().toString();
            Instant reusable = r.now.plus(Duration.ofDays(config.clients().quarantineDays()));
            tx.release(c.id(), reusable);
            tx.resize(c.id(), size, a.index(), r.now);
            tx.claim(as.pool(), a.index(), c.id(), r.now);
            Client after = view(tx, live(tx, name));
            r.client(EventKind.RESIZE, Optional.of(was), after, before + " -> " + a.prefix() + "; " + before + " quarantined until " + reusable);
            crlIfDue(tx, r);
            return after;
        });
    }

    /** A new key and certificate with the same prefix; the old certificate is revoked. */
    public Outcome<Client> renew(String name) {
        Outcome<List<Client>> o = renew(List.of(name));
        return new Outcome<>(o.value().get(0), o.effects());
    }

    /**
     * Renews several clients in one transaction, with one CRL for all: all of them or, when one is
     * unknown, revoked, named twice or changed meanwhile, none. The certificates are issued (by the
     * issuing CA: the new one during a rollover) before the transaction starts.
     */
    public Outcome<List<Client>> renew(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no client to renew");
        }
        List<Client> before = new ArrayList<>(names.size());
        Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            Client c = show(name);
            if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                throw new net.v6broker.error.InvalidInputException("client '" + c.name() + "' is named twice");
            }
            if (c.status() == ClientStatus.REVOKED) {
                throw new ConflictException("cannot renew client '" + c.name() + "': it is revoked; delete it and add it again");
            }
            before.add(c);
        }
        List<Credentials> certs = before.stream().map(c -> issue(c.name())).toList();
        return commit((tx, r) -> {
            List<Client> renewed = new ArrayList<>(before.size());
            for (int i = 0; i < before.size(); i++) {
                ClientRow c = live(tx, before.get(i).name());
                Credentials cert = certs.get(i);
                if (c.status() == ClientStatus.REVOKED || !c.serial().equals(before.get(i).serial())) {
                    throw new ConflictException("client '" + c.name() + "' changed while renewing; try again");
                }
                Client was = view(tx, c);
                tx.revokeCertificate(c.serial(), r.now);
                tx.insertCertificate(certificateRow(c.id(), c.name(), cert, r.now));
                tx.setSerial(c.id(), cert.serial(), r.now);
                Client after = view(tx, live(tx, c.name()));
                r.client(EventKind.RENEW, Optional.of(was), after, "serial " + c.serial() + " -> " + cert.serial());
                renewed.add(after);
            }
            issueCrl(tx, r);
            return renewed;
        });
    }

    /**
     * Records that the CA files changed (a rollover began or ended), with a CRL from the CA set as
     * it is now: every daemon copies the files, publishes the CRL and has openvpn re-read them.
     */
    public Outcome<CrlRow> caChanged(String detail) {
        return commit((tx, r) -> {
            r.brokerEvent(EventKind.CA_CHANGE, detail);
            return issueCrl(tx, r);
        });
    }

    /**
     * Revokes the client (if not yet), removes it from listings and puts its prefix in quarantine
     * for {@code clients.quarantineDays}. The name is free again at once.
     */
    public Outcome<Client> delete(String name) {
        return delete(name, null);
    }

    /** {@link #delete(String)}, with the reason recorded before the event's detail (the reclaim policy's). */
    public Outcome<Client> delete(String name, String reason) {
        return commit((tx, r) -> {
            ClientRow c = live(tx, name);
            Client shown = view(tx, c);
            int revoked = tx.revokeCertificates(c.id(), r.now);
            tx.markDeleted(c.id(), r.now);
            Instant reusable = r.now.plus(Duration.ofDays(config.clients().quarantineDays()));
            tx.release(c.id(), reusable);
            tx.deleteReclaimNotice(c.id());
            String detail = shown.assignment().prefix() + " quarantined until " + reusable;
            r.event(EventKind.DELETE, c.id(), c.name(), reason == null ? detail : reason + "; " + detail,
                    Optional.of(shown), Optional.empty());
            if (revoked > 0) {
                issueCrl(tx, r);
            } else {
                crlIfDue(tx, r);
            }
            return shown;
        });
    }

    /** Issues a fresh CRL from the database's revocations (also when nothing changed, to renew nextUpdate). */
    public Outcome<CrlRow> reissueCrl() {
        return commit(this::issueCrl);
    }

    /**
     * Re-issues the CRL if it is due ({@link #crlDue}); empty when the current one has time left.
     * The daemon calls it every minute; every change does the same inside its own transaction, so
     * a broker run by the command line alone never lets its CRL expire either.
     */
    public Optional<CrlRow> reissueCrlIfDue() {
        return commit((tx, r) -> crlIfDue(tx, r)).value();
    }

    /** Now, to the millisecond the database keeps. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---- the transaction of a change and its effects

    /** One change's work inside its transaction; what it appends goes through the {@link Recorder}. */
    @FunctionalInterface
    interface Change<T> {
        T run(Tx tx, Recorder recorder) throws SQLException;
    }

    /**
     * Runs a change in one transaction, then applies the effects of the events it appended, both in
     * the order of the sink ({@link EffectSink#inOrder}).
     */
    <T> Outcome<T> commit(Change<T> change) {
        return effects.inOrder(() -> {
            Outcome<T> o = store.get().inTransaction(tx -> {
                Recorder r = new Recorder(tx, now(), actor);
                T value = change.run(tx, r);
                return new Outcome<>(value, r.effects);
            });
            effects.apply(o.effects());
            return o;
        });
    }

    /**
     * Appends a change's events and collects their effects, derived as a daemon derives them from
     * the stream. Not thread-safe: it belongs to one transaction.
     */
    static final class Recorder {
        private final Tx tx;
        final Instant now;
        final Actor actor;
        private final List<Effect> effects = new ArrayList<>();

        Recorder(Tx tx, Instant now, Actor actor) {
            this.tx = tx;
            this.now = now;
            this.actor = actor;
        }

        /** An event about a client, as the change left it, with its audit row (the state {@code before} it too). */
        void client(EventKind kind, Optional<Client> before, Client after, String detail) throws SQLException {
            event(kind, after.id(), after.name(), detail, before, Optional.of(after));
        }

        void event(EventKind kind, long clientId, String name, String detail, Optional<Client> before, Optional<Client> after)
                throws SQLException {
            tx.appendEvent(now, kind, clientId, name, detail);
            audit(kind.dbName(), clientId, name, detail, before, after);
            effects.addAll(Effects.of(kind, name, after, () -> {
                throw new IllegalStateException("a client event publishes no CRL");
            }));
        }

        /** An audit row alone: a step of a workflow that is no event of the stream ({@code approve}). */
        void audit(String action, Long clientId, String name, String detail, Optional<Client> before, Optional<Client> after)
                throws SQLException {
            tx.appendAudit(Audit.row(actor, now, action, clientId, name, detail, before, after));
        }

        /** An event about the broker itself (no client), with its audit row. */
        void brokerEvent(EventKind kind, String detail) throws SQLException {
            tx.appendEvent(now, kind, null, null, detail);
            audit(kind.dbName(), null, null, detail, Optional.empty(), Optional.empty());
            effects.addAll(Effects.of(kind, null, Optional.empty(), () -> {
                throw new IllegalStateException("a broker event publishes no CRL");
            }));
        }

        void crl(CrlRow crl) throws SQLException {
            String detail = "CRL #" + crl.number() + ", next update " + crl.nextUpdate();
            tx.appendEvent(now, EventKind.CRL, null, null, detail);
            audit(EventKind.CRL.dbName(), null, null, detail, Optional.empty(), Optional.empty());
            effects.addAll(Effects.of(EventKind.CRL, null, Optional.empty(), () -> crl));
        }
    }

    // ---- inside transactions

    /** Adds one client (or finds the one an earlier attempt of this very request made). */
    Client addIn(Tx tx, Recorder r, NewClient request, Credentials cert) throws SQLException {
        if (request.idempotencyKey() != null) {
            Optional<ClientRow> earlier = tx.clientByIdempotencyKey(request.idempotencyKey());
            if (earlier.isPresent()) {
                return replay(tx, request, earlier.get());
            }
        }
        if (tx.client(request.name()).isPresent()) {
            throw new ConflictException(duplicate(request.name()));
        }
        return insert(tx, r, request, cert, allocator(tx, request, r.now).next());
    }

    /**
     * An allocator in this transaction ({@link Tx#free}) for the pool a request takes from: the
     * hermit pool, or the plan's region of its size (refused, naming the sizes offered, when the
     * plan has none).
     */
    private Allocator allocator(Tx tx, NewClient request, Instant now) throws SQLException {
        if (request.type() == ClientKind.HERMIT) {
            return new Allocator(plan, ClientKind.HERMIT, tx.free(request.pool(), now));
        }
        AddressPlan stored = plan(tx);
        Region region = stored.requireRegion(request.size());
        return new Allocator(stored, region, tx.free(region.pool(), now));
    }

    /** The client an earlier attempt of this very request made, when the key and the request match. */
    private Client replay(Tx tx, NewClient request, ClientRow earlier) throws SQLException {
        if (earlier.deletedAt() != null) {
            throw new ConflictException("Idempotency-Key " + request.idempotencyKey() + " made client '" + earlier.name()
                    + "', which was deleted since; a new create needs a new key");
        }
        Client c = view(tx, earlier);
        if (!request.describes(c)) {
            throw new ConflictException("Idempotency-Key " + request.idempotencyKey() + " was used for another request (client '"
                    + c.name() + "'); a new create needs a new key");
        }
        return c;
    }

    /** Stores one client with the assignment its pool's allocator gave it in this transaction. */
    private Client insert(Tx tx, Recorder r, NewClient request, Credentials cert, Assignment a) throws SQLException {
        long id = tx.insertClient(request.name(), request.type(), request.size(), request.os(), request.email(), a.index(),
                cert.serial(), r.now, request.idempotencyKey());
        tx.claim(request.pool(), a.index(), id, r.now);
        tx.insertCertificate(certificateRow(id, request.name(), cert, r.now));
        Client c = new Client(id, request.name(), request.type(), request.os(), request.email(), ClientStatus.ACTIVE, a,
                cert.serial(), cert.notBefore(), cert.notAfter(), r.now, cert.certificatePem(), cert.privateKeyPem());
        r.client(EventKind.ADD, Optional.empty(), c, a.prefix().toString());
        return c;
    }

    private static CertificateRow certificateRow(long clientId, String name, Credentials cert, Instant now) {
        return new CertificateRow(cert.serial(), clientId, "client", name, cert.notBefore(), cert.notAfter(),
                cert.certificatePem(), cert.privateKeyPem(), now, null);
    }

    /** Issues a CRL of every unexpired revocation, stores it and records its event. */
    private CrlRow issueCrl(Tx tx, Recorder r) throws SQLException {
        List<RevokedEntry> entries = new ArrayList<>();
        for (Tx.Revoked revoked : tx.revokedUnexpired(r.now)) {
            entries.add(new RevokedEntry(Serials.parse(revoked.serial()), revoked.revokedAt()));
        }
        long number = tx.nextCrlNumber();
        Duration validity = Duration.ofDays(config.ca().crlDays());
        String pem = ca.get().issueCrlPem(entries, BigInteger.valueOf(number), validity);
        CrlRow row = new CrlRow(number, r.now, r.now.plus(validity), pem);
        tx.insertCrl(row);
        r.crl(row);
        return row;
    }

    /** Issues a CRL when the newest has less than a third of its validity left (or there is none). */
    private Optional<CrlRow> crlIfDue(Tx tx, Recorder r) throws SQLException {
        Optional<CrlRow> crl = tx.latestCrl();
        boolean due = crl.isEmpty() || Duration.between(r.now, crl.get().nextUpdate())
                .compareTo(Duration.ofDays(config.ca().crlDays()).dividedBy(3)) < 0;
        return due ? Optional.of(issueCrl(tx, r)) : Optional.empty();
    }

    static ClientRow live(Tx tx, String name) throws SQLException {
        return tx.client(name).orElseThrow(() -> new ClientNotFoundException(name));
    }

    Client view(Tx tx, ClientRow c) throws SQLException {
        return view(c, tx.certificate(c.serial()));
    }

    private Client view(ClientRow c, Optional<CertificateRow> certificate) {
        CertificateRow cert = certificate.orElseThrow(() -> new IllegalStateException(
                "client '" + c.name() + "' refers to certificate " + c.serial() + " which is not stored"));
        return new Client(c.id(), c.name(), c.type(), c.os(), c.email(), c.status(), plan.assignment(c.type(), c.size(), c.poolIndex()),
                c.serial(), cert.notBefore(), cert.notAfter(), c.createdAt(), cert.certificatePem(), cert.privateKeyPem());
    }

    private static String duplicate(String name) {
        return "a client named '" + name + "' exists already (names are compared case-insensitively)";
    }
}
