package net.v6broker.api;

import net.v6broker.error.BrokerException;

import net.v6broker.error.InvalidInputException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.v6broker.broker.Client;
import net.v6broker.broker.ClientNotFoundException;
import net.v6broker.broker.NewClient;
import net.v6broker.broker.Outcome;
import net.v6broker.config.Validation;
import net.v6broker.client.ClientKind;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.store.AccessTx;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.SessionRow;

/**
 * The subscription workflow, the same behind the JSON API and the web pages: a subscriber asks
 * (pending request plus their own token), an operator approves (the broker adds the client, the
 * effects are applied) or rejects, the subscriber takes one single-use, expiring download link and
 * reads their tunnel's state with their token. Thread-safe (the database orders concurrent calls).
 */
public final class Subscriptions {
    static final int REASON_MAX = 1000;
    /** The window in which at most {@link Limits#linksPerDay} download links are issued per request. */
    static final java.time.Duration LINK_WINDOW = java.time.Duration.ofHours(24);
    private final Services s;

    public Subscriptions(Services services) {
        this.s = services;
    }

    /** A stored request and the subscriber's token, which is shown this once and stored only as a hash. */
    public record Submitted(RequestRow request, String token) {
    }

    /** Validates and stores a pending request. */
    public Submitted submit(String name, String email, String type, String os, String reason) {
        Validation.name(name);
        if (email == null || email.isEmpty()) {
            throw new InvalidInputException("an e-mail address is required: accepted a plain address like alice@example.net");
        }
        Validation.email(email);
        ClientKind pool = ClientKind.parse(type);
        ClientOs clientOs = os == null || os.isBlank() ? ClientOs.LINUX : ClientOs.parse(os);
        String why = reason(reason);
        if (clientExists(name)) {
            throw new BrokerException(BrokerException.Kind.CONFLICT, "the name " + Validation.quote(name) + " is taken; choose another");
        }
        String token = Secrets.generate(s.random(), Secrets.SUBSCRIBER);
        String hash = Secrets.hash(token);
        Instant now = now();
        RequestRow row = s.store().inTransaction(tx -> {
            if (tx.access().pendingName(name)) {
                throw new BrokerException(BrokerException.Kind.CONFLICT, "a request for the name " + Validation.quote(name)
                        + " is already waiting for approval");
            }
            long id = tx.access().insertRequest(name, email, pool, clientOs, why, hash, now);
            return tx.access().request(id).orElseThrow();
        });
        return new Submitted(row, token);
    }

    public RequestRow request(long id) {
        return s.store().read(tx -> tx.access().request(id))
                .orElseThrow(() -> new BrokerException(BrokerException.Kind.NOT_FOUND, "no subscription request " + id));
    }

    public List<RequestRow> list(String status, int offset, int limit) {
        return s.store().read(tx -> tx.access().requests(status, offset, limit));
    }

    public long count(String status) {
        return s.store().read(tx -> tx.access().countRequests(status));
    }

    /**
     * Approves a pending request: marks it approved (so two operators cannot both approve it), adds
     * the client through the broker, applies the effects and links the client to the request. If the
     * client cannot be added (name taken meanwhile, pool exhausted) the request is pending again.
     */
    public RequestRow approve(long id, String operator) {
        RequestRow r = request(id);
        NewClient nc = new NewClient(r.name(), r.type(), r.os(), r.email());
        if (!s.store().inTransaction(tx -> tx.access().decide(id, "approved", operator, now()))) {
            throw new BrokerException(BrokerException.Kind.CONFLICT, "request " + id + " is " + request(id).status() + ", not pending");
        }
        Outcome<Client> o;
        try {
            o = s.broker().add(nc);
        } catch (RuntimeException e) {
            s.store().inTransaction(tx -> {
                tx.access().reopen(id);
                return null;
            });
            throw e;
        }
        s.effects().apply(o.effects());
        s.store().inTransaction(tx -> {
            tx.access().setClient(id, o.value().id(), o.value().name());
            return null;
        });
        return request(id);
    }

    public RequestRow reject(long id, String operator) {
        if (!s.store().inTransaction(tx -> tx.access().decide(id, "rejected", operator, now()))) {
            throw new BrokerException(BrokerException.Kind.CONFLICT, "request " + id + " is " + request(id).status() + ", not pending");
        }
        return request(id);
    }

    /** The client an approved request made, while it exists (a later client of the same name is not it). */
    public Optional<Client> clientOf(RequestRow r) {
        if (r.clientId() == null) {
            return Optional.empty();
        }
        try {
            Client c = s.broker().show(r.clientName());
            return c.id() == r.clientId() ? Optional.of(c) : Optional.empty();
        } catch (ClientNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A one-time download link and when it expires. */
    public record Link(String secret, Instant expiresAt) {
        public String path() {
            return "/download/" + secret;
        }
    }

    /**
     * Issues the request's one-time download link. Refused (403) unless approved with a live,
     * unrevoked client, and (409) while an earlier link is neither used nor expired.
     */
    public Link issueLink(RequestRow r) {
        Client c = clientOf(r).orElseThrow(() -> new BrokerException(BrokerException.Kind.FORBIDDEN,
                "request " + r.id() + " is " + r.status() + (r.clientId() != null ? " and its client no longer exists" : "")
                        + ": there is nothing to download"));
        requireActive(c);
        String secret = Secrets.generate(s.random(), Secrets.DOWNLOAD);
        Instant now = now();
        Instant expires = now.plus(s.limits().linkLifetime());
        AccessTx.LinkIssue issued = s.store().inTransaction(tx -> tx.access().issueLink(r.id(), Secrets.hash(secret), expires,
                now, LINK_WINDOW, s.limits().linksPerDay()));
        switch (issued) {
            case ISSUED -> {
            }
            case LIMIT_REACHED -> throw new BrokerException(BrokerException.Kind.RATE_LIMITED, "at most " + s.limits().linksPerDay()
                    + " download links per day: the next one can be taken once a day has passed since the first of them");
            case OPEN_LINK -> throw new BrokerException(BrokerException.Kind.CONFLICT, "a download link for this request was issued "
                    + "already and is still valid; use it, or wait until it expires");
            case NOT_APPROVED -> throw new BrokerException(BrokerException.Kind.FORBIDDEN, "request " + r.id() + " is not approved");
        }
        return new Link(secret, expires);
    }

    /** The request a link belongs to, if it can still be used (410 when used, expired or unknown). */
    public RequestRow linkTarget(String secret) {
        if (!Secrets.plausible(secret, Secrets.DOWNLOAD)) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link is not valid");
        }
        RequestRow r = s.store().read(tx -> tx.access().requestByLink(Secrets.hash(secret)))
                .orElseThrow(() -> new BrokerException(BrokerException.Kind.GONE, "this download link is not valid"));
        if (r.linkUsedAt() != null || !r.linkExpiresAt().isAfter(now())) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link was used already or has expired; "
                    + "ask for a new one with your subscriber token");
        }
        return r;
    }

    /** A file to send. */
    public record Download(String fileName, String contentType, byte[] bytes) {
    }

    /**
     * Renders the export and uses the link up — exactly one caller gets the bytes. A revoked client's
     * export is refused before the link is used (409), so nothing is spent on a refusal.
     */
    public Download download(String secret, ExportRequest request) {
        RequestRow r = linkTarget(secret);
        Client c = clientOf(r).orElseThrow(() -> new BrokerException(BrokerException.Kind.GONE,
                "the client of this link no longer exists"));
        if (c.status() == ClientStatus.SUSPENDED) {
            requireActive(c); // a revoked client's export is refused by the exporter (409), the link unspent
        }
        byte[] bytes = s.exporter().render(c, request);
        if (!s.store().inTransaction(tx -> tx.access().useLink(Secrets.hash(secret), now()))) {
            throw new BrokerException(BrokerException.Kind.GONE, "this download link was used already or has expired");
        }
        return file(c, request, bytes);
    }

    /** A subscriber downloads only while their client is active: not while suspended, never once revoked. */
    private static void requireActive(Client c) {
        if (c.status() != ClientStatus.ACTIVE) {
            throw new BrokerException(BrokerException.Kind.FORBIDDEN, "client '" + c.name() + "' is " + c.status().dbName()
                    + ": it cannot download a profile" + (c.status() == ClientStatus.SUSPENDED ? " until an operator resumes it" : ""));
        }
    }

    static Download file(Client c, ExportRequest request, byte[] bytes) {
        String type = switch (request.format()) {
            case OVPN -> "application/x-openvpn-profile";
            case TAR_GZ -> "application/gzip";
            case ZIP -> "application/zip";
        };
        return new Download(c.name() + "." + request.format().extension(), type, bytes);
    }

    /** What a subscriber may see: their request and, once approved, their tunnel. Never secrets. */
    public Map<String, Object> info(RequestRow r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("id", r.id());
        req.put("name", r.name());
        req.put("type", r.type().cliName());
        req.put("os", r.os().cliName());
        req.put("status", r.status());
        req.put("createdAt", r.createdAt().toString());
        req.put("decidedAt", r.decidedAt() == null ? null : r.decidedAt().toString());
        out.put("request", req);
        Optional<Client> client = clientOf(r);
        if (client.isPresent()) {
            Client c = client.get();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", c.name());
            t.put("type", c.type().cliName());
            t.put("status", c.status().dbName());
            t.put("prefix", c.assignment().prefix().toString());
            t.put("transferServer", c.assignment().transferServer().toString());
            t.put("transferClient", c.assignment().transferClient().toString());
            t.put("endpoint", s.endpoint().host() + ":" + s.endpoint().port());
            t.put("certificateNotAfter", c.notAfter().toString());
            Optional<SessionRow> live = Traffic.live(s.store()).bySession(c.name());
            t.put("connected", live.isPresent());
            t.put("connectedSince", live.map(x -> x.connectedAt().toString()).orElse(null));
            t.put("bytesIn", live.map(SessionRow::bytesIn).orElse(0L));
            t.put("bytesOut", live.map(SessionRow::bytesOut).orElse(0L));
            out.put("tunnel", t);
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("issued", r.linkIssued());
            link.put("expiresAt", r.linkExpiresAt() == null ? null : r.linkExpiresAt().toString());
            link.put("used", r.linkUsedAt() != null);
            out.put("downloadLink", link);
        } else {
            out.put("tunnel", null);
        }
        return out;
    }

    /** The request as an operator sees it. */
    public static Map<String, Object> json(RequestRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("email", r.email());
        m.put("type", r.type().cliName());
        m.put("os", r.os().cliName());
        m.put("reason", r.reason());
        m.put("status", r.status());
        m.put("createdAt", r.createdAt().toString());
        m.put("decidedAt", r.decidedAt() == null ? null : r.decidedAt().toString());
        m.put("decidedBy", r.decidedBy());
        m.put("client", r.clientName());
        m.put("linkIssued", r.linkIssued());
        m.put("linkExpiresAt", r.linkExpiresAt() == null ? null : r.linkExpiresAt().toString());
        m.put("linkUsed", r.linkUsedAt() != null);
        return m;
    }

    private boolean clientExists(String name) {
        try {
            s.broker().show(name);
            return true;
        } catch (ClientNotFoundException e) {
            return false;
        }
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("a reason is required: say in a sentence what the tunnel is for");
        }
        return Validation.freeText("the reason", reason, REASON_MAX);
    }

    private Instant now() {
        return s.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }
}
