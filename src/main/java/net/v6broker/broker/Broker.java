package net.v6broker.broker;

import java.math.BigInteger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import net.v6broker.ca.CertificateAuthority;
import net.v6broker.ca.GeneratedKey;
import net.v6broker.ca.RevokedEntry;
import net.v6broker.config.BrokerConfig;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Assignment;
import net.v6broker.client.ClientKind;
import net.v6broker.store.CertificateRow;
import net.v6broker.store.ClientRow;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.CrlRow;
import net.v6broker.store.Store;
import net.v6broker.store.Tx;
import net.v6broker.store.UniqueViolation;

/**
 * The one coordinator: every change to clients goes through here, in one database transaction
 * that writes the rows and an event, and returns the effects the caller must apply (publish the
 * CRL, end a session, rewrite a client's file). Certificates are issued before the transaction
 * starts, so the database lock is never held during key generation.
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

    public Broker(BrokerConfig config, Store store, Supplier<CertificateAuthority> ca, Clock clock) {
        this(config, constant(Objects.requireNonNull(store, "store")), ca, clock);
    }

    /**
     * A broker that asks for its database when it first uses it, and for the CA when it first
     * issues: {@link #issue} needs no database, so a bulk import starts issuing while the database
     * is still being opened.
     */
    public Broker(BrokerConfig config, Supplier<Store> store, Supplier<CertificateAuthority> ca, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.plan = config.plan();
        this.store = Objects.requireNonNull(store, "store");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Supplier<Store> constant(Store store) {
        return () -> store;
    }

    public AddressPlan plan() {
        return plan;
    }

    // ---- reads

    public Client show(String name) {
        return store.get().read(tx -> view(tx, live(tx, name)));
    }

    public List<Client> list() {
        return store.get().read(tx -> {
            List<Client> out = new ArrayList<>();
            for (ClientRow row : tx.clients()) {
                out.add(view(tx, row));
            }
            return out;
        });
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
        for (int attempt = 1; ; attempt++) {
            try {
                return store.get().inTransaction(tx -> {
                    Instant now = now();
                    List<Effect> effects = new ArrayList<>();
                    Client c = addIn(tx, request, cert, now);
                    effects.add(new Effect.ClientFileChanged(c.name()));
                    crlIfDue(tx, now, effects);
                    return new Outcome<>(c, effects);
                });
            } catch (UniqueViolation e) {
                // another writer took the name or the prefix between our read and our write
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
        return store.get().inTransaction(tx -> {
            Instant now = now();
            List<Effect> effects = new ArrayList<>();
            crlIfDue(tx, now, effects);
            Allocator hermits = new Allocator(plan, ClientKind.HERMIT, tx.takenIndices(ClientKind.HERMIT, now));
            Allocator subnets = new Allocator(plan, ClientKind.SUBNET, tx.takenIndices(ClientKind.SUBNET, now));
            tx.endQuarantines(ClientKind.HERMIT, now);
            tx.endQuarantines(ClientKind.SUBNET, now);
            List<Client> added = new ArrayList<>(requests.size());
            // one query for the whole batch, then the batch's own names as they are added
            Set<String> taken = tx.liveNames(requests.stream().map(NewClient::name).toList());
            for (int i = 0; i < requests.size(); i++) {
                NewClient r = requests.get(i);
                if (!taken.add(r.name().toLowerCase(Locale.ROOT))) {
                    return new BatchResult(added, Optional.of(new BatchFailure(i, duplicate(r.name()))), effects);
                }
                Allocator allocator = r.type() == ClientKind.HERMIT ? hermits : subnets;
                added.add(insert(tx, r, certs.get(i), allocator.next(), now));
            }
            return new BatchResult(added, Optional.empty(), effects);
        });
    }

    /**
     * What a batch added, and where it stopped if it did; {@code effects} holds a CRL re-issued on the
     * way (the clients' files are rendered by the caller once for the whole import).
     */
    public record BatchResult(List<Client> added, Optional<BatchFailure> failure, List<Effect> effects) {
    }

    /** The position in the batch of the request that could not be added, and why. */
    public record BatchFailure(int index, String message) {
    }

    /** Revokes a client's certificate for good; the prefix stays out of use until the client is deleted. */
    public Outcome<Client> revoke(String name) {
        return store.get().inTransaction(tx -> {
            Instant now = now();
            ClientRow c = live(tx, name);
            if (c.status() == ClientStatus.REVOKED) {
                throw new ConflictException("client '" + c.name() + "' is already revoked");
            }
            tx.revokeCertificates(c.id(), now);
            tx.setStatus(c.id(), ClientStatus.REVOKED, now);
            tx.appendEvent(now, "revoke", c.id(), c.name(), "serial " + c.serial());
            CrlRow crl = issueCrl(tx, now);
            return new Outcome<>(view(tx, live(tx, name)), List.of(new Effect.PublishCrl(crl.number()),
                    new Effect.EndSession(c.name()), new Effect.ClientFileChanged(c.name())));
        });
    }

    /** Refuses the client at connect until resumed; its certificate stays valid. */
    public Outcome<Client> suspend(String name) {
        return changeStatus(name, ClientStatus.ACTIVE, ClientStatus.SUSPENDED, "suspend");
    }

    public Outcome<Client> resume(String name) {
        return changeStatus(name, ClientStatus.SUSPENDED, ClientStatus.ACTIVE, "resume");
    }

    private Outcome<Client> changeStatus(String name, ClientStatus from, ClientStatus to, String kind) {
        return store.get().inTransaction(tx -> {
            Instant now = now();
            ClientRow c = live(tx, name);
            if (c.status() != from) {
                throw new ConflictException("cannot " + kind + " client '" + c.name() + "': it is "
                        + c.status().dbName() + ", not " + from.dbName());
            }
            tx.setStatus(c.id(), to, now);
            tx.appendEvent(now, kind, c.id(), c.name(), null);
            List<Effect> effects = new ArrayList<>();
            if (to == ClientStatus.SUSPENDED) {
                effects.add(new Effect.EndSession(c.name()));
            }
            effects.add(new Effect.ClientFileChanged(c.name()));
            crlIfDue(tx, now, effects);
            return new Outcome<>(view(tx, live(tx, name)), effects);
        });
    }

    /** A new key and certificate with the same prefix; the old certificate is revoked. */
    public Outcome<Client> renew(String name) {
        Client before = show(name);
        if (before.status() == ClientStatus.REVOKED) {
            throw new ConflictException("cannot renew client '" + before.name() + "': it is revoked; delete it and add it again");
        }
        Credentials cert = issue(before.name());
        return store.get().inTransaction(tx -> {
            Instant now = now();
            ClientRow c = live(tx, name);
            if (c.status() == ClientStatus.REVOKED || !c.serial().equals(before.serial())) {
                throw new ConflictException("client '" + c.name() + "' changed while renewing; try again");
            }
            tx.revokeCertificate(c.serial(), now);
            tx.insertCertificate(certificateRow(c.id(), c.name(), cert, now));
            tx.setSerial(c.id(), cert.serial(), now);
            tx.appendEvent(now, "renew", c.id(), c.name(), "serial " + c.serial() + " -> " + cert.serial());
            CrlRow crl = issueCrl(tx, now);
            return new Outcome<>(view(tx, live(tx, name)), List.of(new Effect.PublishCrl(crl.number()),
                    new Effect.ClientFileChanged(c.name())));
        });
    }

    /**
     * Revokes the client (if not yet), removes it from listings and puts its prefix in quarantine
     * for {@code clients.quarantineDays}. The name is free again at once.
     */
    public Outcome<Client> delete(String name) {
        return store.get().inTransaction(tx -> {
            Instant now = now();
            ClientRow c = live(tx, name);
            Client shown = view(tx, c);
            int revoked = tx.revokeCertificates(c.id(), now);
            tx.markDeleted(c.id(), now);
            Instant reusable = now.plus(Duration.ofDays(config.clients().quarantineDays()));
            tx.release(c.id(), reusable);
            tx.appendEvent(now, "delete", c.id(), c.name(), shown.assignment().prefix() + " quarantined until " + reusable);
            List<Effect> effects = new ArrayList<>();
            if (revoked > 0) {
                effects.add(new Effect.PublishCrl(issueCrl(tx, now).number()));
            } else {
                crlIfDue(tx, now, effects);
            }
            effects.add(new Effect.EndSession(c.name()));
            effects.add(new Effect.ClientFileChanged(c.name()));
            return new Outcome<>(shown, effects);
        });
    }

    /** Issues a fresh CRL from the database's revocations (also when nothing changed, to renew nextUpdate). */
    public Outcome<CrlRow> reissueCrl() {
        return store.get().inTransaction(tx -> {
            CrlRow crl = issueCrl(tx, now());
            return new Outcome<>(crl, List.of(new Effect.PublishCrl(crl.number())));
        });
    }

    /**
     * Re-issues the CRL if it is due ({@link #crlDue}); empty when the current one has time left.
     * The daemon calls it every minute; every change does the same inside its own transaction, so
     * a broker run by the command line alone never lets its CRL expire either.
     */
    public Optional<Outcome<CrlRow>> reissueCrlIfDue() {
        return store.get().inTransaction(tx -> {
            Instant now = now();
            if (!crlDue(tx, now)) {
                return Optional.empty();
            }
            CrlRow crl = issueCrl(tx, now);
            return Optional.of(new Outcome<>(crl, List.of(new Effect.PublishCrl(crl.number()))));
        });
    }

    /** Whether the newest CRL has less than a third of its validity left (or there is none). */
    private boolean crlDue(Tx tx, Instant now) throws SQLException {
        Optional<CrlRow> crl = tx.latestCrl();
        return crl.isEmpty() || Duration.between(now, crl.get().nextUpdate())
                .compareTo(Duration.ofDays(config.ca().crlDays()).dividedBy(3)) < 0;
    }

    /** Adds a fresh CRL to {@code effects} when the current one is due. */
    private void crlIfDue(Tx tx, Instant now, List<Effect> effects) throws SQLException {
        if (crlDue(tx, now)) {
            effects.add(new Effect.PublishCrl(issueCrl(tx, now).number()));
        }
    }

    /** Now, to the millisecond the database keeps. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    // ---- inside transactions

    private Client addIn(Tx tx, NewClient r, Credentials cert, Instant now) throws SQLException {
        if (r.idempotencyKey() != null) {
            Optional<ClientRow> earlier = tx.clientByIdempotencyKey(r.idempotencyKey());
            if (earlier.isPresent()) {
                return replay(tx, r, earlier.get());
            }
        }
        if (tx.client(r.name()).isPresent()) {
            throw new ConflictException(duplicate(r.name()));
        }
        Allocator allocator = new Allocator(plan, r.type(), tx.takenIndices(r.type(), now));
        tx.endQuarantines(r.type(), now);
        return insert(tx, r, cert, allocator.next(), now);
    }

    /** The client an earlier attempt of this very request made, when the key and the request match. */
    private Client replay(Tx tx, NewClient r, ClientRow earlier) throws SQLException {
        if (earlier.deletedAt() != null) {
            throw new ConflictException("Idempotency-Key " + r.idempotencyKey() + " made client '" + earlier.name()
                    + "', which was deleted since; a new create needs a new key");
        }
        Client c = view(tx, earlier);
        if (!r.describes(c)) {
            throw new ConflictException("Idempotency-Key " + r.idempotencyKey() + " was used for another request (client '"
                    + c.name() + "'); a new create needs a new key");
        }
        return c;
    }

    /** Stores one client; {@link Tx#endQuarantines} ran for its pool in this transaction. */
    private Client insert(Tx tx, NewClient r, Credentials cert, Assignment a, Instant now) throws SQLException {
        long id = tx.insertClient(r.name(), r.type(), r.os(), r.email(), a.index(), cert.serial(), now, r.idempotencyKey());
        tx.claim(r.type(), a.index(), id, now);
        tx.insertCertificate(certificateRow(id, r.name(), cert, now));
        tx.appendEvent(now, "add", id, r.name(), a.prefix().toString());
        return new Client(id, r.name(), r.type(), r.os(), r.email(), ClientStatus.ACTIVE, a, cert.serial(),
                cert.notBefore(), cert.notAfter(), now, cert.certificatePem(), cert.privateKeyPem());
    }

    private static CertificateRow certificateRow(long clientId, String name, Credentials cert, Instant now) {
        return new CertificateRow(cert.serial(), clientId, "client", name, cert.notBefore(), cert.notAfter(),
                cert.certificatePem(), cert.privateKeyPem(), now, null);
    }

    private CrlRow issueCrl(Tx tx, Instant now) throws SQLException {
        List<RevokedEntry> entries = new ArrayList<>();
        for (Tx.Revoked r : tx.revokedUnexpired(now)) {
            entries.add(new RevokedEntry(Serials.parse(r.serial()), r.revokedAt()));
        }
        long number = tx.nextCrlNumber();
        Duration validity = Duration.ofDays(config.ca().crlDays());
        String pem = ca.get().issueCrlPem(entries, BigInteger.valueOf(number), validity);
        CrlRow row = new CrlRow(number, now, now.plus(validity), pem);
        tx.insertCrl(row);
        return row;
    }

    private static ClientRow live(Tx tx, String name) throws SQLException {
        return tx.client(name).orElseThrow(() -> new ClientNotFoundException(name));
    }

    private Client view(Tx tx, ClientRow c) throws SQLException {
        CertificateRow cert = tx.certificate(c.serial()).orElseThrow(() -> new IllegalStateException(
                "client '" + c.name() + "' refers to certificate " + c.serial() + " which is not stored"));
        return new Client(c.id(), c.name(), c.type(), c.os(), c.email(), c.status(), plan.assignment(c.type(), c.poolIndex()),
                c.serial(), cert.notBefore(), cert.notAfter(), c.createdAt(), cert.certificatePem(), cert.privateKeyPem());
    }

    private static String duplicate(String name) {
        return "a client named '" + name + "' exists already (names are compared case-insensitively)";
    }
}
