package net.v6broker.broker;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import net.v6broker.config.Validation;
import net.v6broker.error.BrokerException;
import net.v6broker.error.InvalidInputException;
import net.v6broker.store.AccessTx;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.store.Store;

/**
 * The subscription workflow, the same behind the JSON API and the web pages: a subscriber asks (a
 * pending request and their own token), an operator approves (the client is added in the same
 * transaction that marks the request approved) or rejects, and the subscriber takes one-time,
 * expiring download links — at most {@code linksPerDay} in 24 hours, none while the client is not
 * active. Refusals are {@link BrokerException}s of the domain's kinds.
 *
 * <p>Thread-safe (the database orders concurrent calls).
 */
public final class Subscriptions {
    static final int REASON_MAX = 1000;
    /** The window in which at most {@code linksPerDay} download links are issued per request. */
    static final Duration LINK_WINDOW = Duration.ofHours(24);
    private final Store store;
    private final Broker broker;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration linkLifetime;
    private final int linksPerDay;

    public Subscriptions(Store store, Broker broker, Clock clock, SecureRandom random, Duration linkLifetime, int linksPerDay) {
        this.store = Objects.requireNonNull(store, "store");
        this.broker = Objects.requireNonNull(broker, "broker");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.linkLifetime = Objects.requireNonNull(linkLifetime, "linkLifetime");
        this.linksPerDay = linksPerDay;
    }

    /** A stored request and the subscriber's token, which is shown this once and stored only as a hash. */
    public record Submitted(RequestRow request, String token) {
    }

    /**
     * Validates and stores a pending request.
     *
     * @param size the prefix length asked for as typed ("56", "/56"); null or blank for the kind's
     *     default (a hermit's /128, a subnet's /64). A subnet's size must be one the plan offers.
     */
    public Submitted submit(String name, String email, String type, String size, String os, String reason, String address) {
        NewClient.checkName(name);
        if (email == null || email.isEmpty()) {
            throw new InvalidInputException("an e-mail address is required: accepted a plain address like alice@example.net");
        }
        Validation.email(email);
        ClientKind kind = ClientKind.parse(type);
        ClientOs clientOs = os == null || os.isBlank() ? ClientOs.LINUX : ClientOs.parse(os);
        NewClient.checkOs(kind, clientOs);
        int asked = offered(kind, size == null || size.isBlank() ? NewClient.defaultSize(kind) : NewClient.parseSize(size));
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("a reason is required: say in a sentence what the tunnel is for");
        }
        String why = Validation.freeText("the reason", reason, REASON_MAX);
        if (broker.find(name).isPresent()) {
            throw new BrokerException(BrokerException.Kind.CONFLICT, "the name " + Validation.quote(name) + " is taken; choose another");
        }
        String token = Secrets.generate(random, Secrets.SUBSCRIBER);
        String hash = Secrets.hash(token);
        Instant now = now();
        RequestRow row = store.inTransaction(tx -> {
            if (tx.access().pendingName(name)) {
                throw new BrokerException(BrokerException.Kind.CONFLICT, "a request for the name " + Validation.quote(name)
                        + " is already waiting for approval");
            }
            long id = tx.access().insertRequest(name, email, kind, asked, clientOs, why, hash, now);
            tx.appendAudit(Audit.row(Actor.subscriber(email, address), now, "subscribe", null, name,
                    "request " + id + ": " + kind.cliName() + " /" + asked + ", " + clientOs.cliName() + "; " + why,
                    Optional.empty(), Optional.empty()));
            return tx.access().request(id).orElseThrow();
        });
        return new Submitted(row, token);
    }

    public RequestRow request(long id) {
        return store.read(tx -> tx.access().request(id))
                .orElseThrow(() -> new BrokerException(BrokerException.Kind.NOT_FOUND, "no subscription request " + id));
    }

    public List<RequestRow> list(String status, int offset, int limit) {
        return store.read(tx -> tx.access().requests(status, offset, limit));
    }

    public long count(String status) {
        return store.read(tx -> tx.access().countRequests(status));
    }

    /**
     * Approves a pending request: in one transaction it is marked approved (so two operators cannot
     * both approve it), the client is added and linked to it. If the client cannot be added (the name
     * taken meanwhile, the pool exhausted) nothing changes and the request stays pending.
     *
     * @param operator who approves, recorded in the request and, with the client added, in the audit trail
     * @param size the prefix length to grant, null for the one asked for
     */
    public RequestRow approve(long id, Actor operator, Integer size) {
        RequestRow pending = request(id);
        int granted = size == null ? pending.size() : offered(pending.type(), size);
        NewClient nc = new NewClient(pending.name(), pending.type(), granted, pending.os(), pending.email(), null);
        Credentials cert = broker.issue(nc.name());
        Broker by = broker.as(operator);
        Broker.retryingUniqueViolations(() -> by.commit((tx, r) -> {
            if (!tx.access().decide(id, "approved", operator.name(), r.now)) {
                throw new BrokerException(BrokerException.Kind.CONFLICT, "request " + id + " is "
                        + tx.access().request(id).map(RequestRow::status).orElse("gone") + ", not pending");
            }
            r.audit("approve", null, nc.name(), "request " + id + " of " + pending.email() + ": granted /" + granted
                    + (granted == pending.size() ? "" : " (asked /" + pending.size() + ")"), Optional.empty(), Optional.empty());
            Client c = by.addIn(tx, r, nc, cert);
            tx.access().setClient(id, c.id(), c.name());
            return c;
        }));
        return request(id);
    }

    /** The size if a client of this kind can have it here: a hermit's /128, a subnet's region of the plan. */
    private int offered(ClientKind kind, int size) {
        NewClient.checkSize(kind, size);
        if (kind == ClientKind.SUBNET) {
            broker.plan().requireRegion(size);
        }
        return size;
    }

    public RequestRow reject(long id, Actor operator) {
        if (!store.inTransaction(tx -> {
            Instant now = now();
            if (!tx.access().decide(id, "rejected", operator.name(), now)) {
                return false;
            }
            RequestRow r = tx.access().request(id).orElseThrow();
            tx.appendAudit(Audit.row(operator, now, "reject", null, r.name(), "request " + id + " of " + r.email(),
                    Optional.empty(), Optional.empty()));
            return true;
        })) {
            throw new BrokerException(BrokerException.Kind.CONFLICT, "request " + id + " is " + request(id).status() + ", not pending");
        }
        return request(id);
    }

    /** The client an approved request made, while it exists (a later client of the same name is not it). */
    public Optional<Client> clientOf(RequestRow r) {
        if (r.clientId() == null) {
            return Optional.empty();
        }
        return broker.find(r.clientName()).filter(c -> c.id() == r.clientId());
    }

    /** A one-time download link and when it expires. */
    public record Link(String secret, Instant expiresAt) {
        public String path() {
            return "/download/" + secret;
        }
    }

    /**
     * Issues the request's one-time download link. Refused (forbidden) unless approved with an
     * active client, (conflict) while an earlier link is neither used nor expired, and (rate
     * limited) beyond {@code linksPerDay} in 24 hours.
     */
    public Link issueLink(RequestRow r) {
        Client c = clientOf(r).orElseThrow(() -> new BrokerException(BrokerException.Kind.FORBIDDEN,
                "request " + r.id() + " is " + r.status() + (r.clientId() != null ? " and its client no longer exists" : "")
                        + ": there is nothing to download"));
        requireActive(c);
        String secret = Secrets.generate(random, Secrets.DOWNLOAD);
        Instant now = now();
        Instant expires = now.plus(linkLifetime);
        AccessTx.LinkIssue issued = store.inTransaction(tx -> tx.access().issueLink(r.id(), Secrets.hash(secret), expires, now,
                LINK_WINDOW, linksPerDay));
        switch (issued) {
            case ISSUED -> {
            }
            case LIMIT_REACHED -> throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "at most " + linksPerDay
                    + " download links per day: the next one can be taken once a day has passed since the first of them");
            case OPEN_LINK -> throw new BrokerException(BrokerException.Kind.CONFLICT, "a download link for this request was "
                    + "issued already and is still valid; use it, or wait until it expires");
            case NOT_APPROVED -> throw new BrokerException(BrokerException.Kind.FORBIDDEN, "request " + r.id() + " is not approved");
        }
        return new Link(secret, expires);
    }

    /** The request a link belongs to, if it can still be used (gone when used, expired or unknown). */
    public RequestRow linkTarget(String secret) {
        if (!Secrets.plausible(secret, Secrets.DOWNLOAD)) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link is not valid");
        }
        RequestRow r = store.read(tx -> tx.access().requestByLink(Secrets.hash(secret)))
                .orElseThrow(() -> new BrokerException(BrokerException.Kind.GONE, "this download link is not valid"));
        if (r.linkUsedAt() != null || !r.linkExpiresAt().isAfter(now())) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link was used already or has expired; "
                    + "ask for a new one with your subscriber token");
        }
        return r;
    }

    /**
     * Renders the client's export with {@code render} and uses the link up: exactly one caller gets
     * what it rendered. A suspended client is refused, and a revoked one by the renderer, before the
     * link is used, so nothing is spent on a refusal.
     */
    public <T> T download(String secret, Function<Client, T> render) {
        RequestRow r = linkTarget(secret);
        Client c = clientOf(r).orElseThrow(() -> new BrokerException(BrokerException.Kind.GONE,
                "the client of this link no longer exists"));
        if (c.status() == ClientStatus.SUSPENDED) {
            requireActive(c);
        }
        T rendered = render.apply(c);
        if (!store.inTransaction(tx -> tx.access().useLink(Secrets.hash(secret), now()))) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link was used already or has expired");
        }
        return rendered;
    }

    /** A subscriber downloads only while their client is active: not while suspended, never once revoked. */
    private static void requireActive(Client c) {
        if (c.status() != ClientStatus.ACTIVE) {
            throw new BrokerException(BrokerException.Kind.FORBIDDEN, "client '" + c.name() + "' is " + c.status().dbName()
                    + ": it cannot download a profile" + (c.status() == ClientStatus.SUSPENDED ? " until an operator resumes it" : ""));
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
