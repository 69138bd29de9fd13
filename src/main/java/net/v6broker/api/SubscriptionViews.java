package net.v6broker.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.v6broker.broker.Client;
import net.v6broker.broker.Subscriptions;
import net.v6broker.openvpn.ExportRequest;
import net.v6broker.store.AccessTx.RequestRow;
import net.v6broker.store.SessionRow;

/**
 * How the subscription workflow ({@link Subscriptions}) is shown over HTTP: a request as an
 * operator and as its subscriber sees it, and an export as a file to send. Stateless.
 */
public final class SubscriptionViews {
    private SubscriptionViews() {
    }

    /** A file to send. */
    public record Download(String fileName, String contentType, byte[] bytes) {
    }

    /** Takes a one-time link: the export rendered, the link used up (see {@link Subscriptions#download}). */
    public static Download download(Services s, String secret, ExportRequest request) {
        return s.subscriptions().download(secret, c -> file(c, request, s.exporter().render(c, request)));
    }

    public static Download file(Client c, ExportRequest request, byte[] bytes) {
        String type = switch (request.format()) {
            case OVPN -> "application/x-openvpn-profile";
            case TAR_GZ -> "application/gzip";
            case ZIP -> "application/zip";
        };
        return new Download(c.name() + "." + request.format().extension(), type, bytes);
    }

    /** What a subscriber may see: their request and, once approved, their tunnel. Never secrets. */
    public static Map<String, Object> info(Services s, RequestRow r) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("id", r.id());
        req.put("name", r.name());
        req.put("type", r.type().cliName());
        req.put("size", r.size());
        req.put("os", r.os().cliName());
        req.put("status", r.status());
        req.put("createdAt", r.createdAt().toString());
        req.put("decidedAt", r.decidedAt() == null ? null : r.decidedAt().toString());
        out.put("request", req);
        Optional<Client> client = s.subscriptions().clientOf(r);
        if (client.isPresent()) {
            Client c = client.get();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", c.name());
            t.put("type", c.type().cliName());
            t.put("size", c.assignment().prefix().length());
            t.put("status", c.status().dbName());
            t.put("prefix", c.assignment().prefix().toString());
            t.put("transferServer", c.assignment().transferServer().toString());
            t.put("transferClient", c.assignment().transferClient().toString());
            t.put("endpoint", s.endpoint().host() + ":" + s.endpoint().port());
            t.put("certificateNotAfter", c.notAfter().toString());
            t.put("certificateNotice", certificateNotice(c, r, renewedSinceDownload(s, c, r), s.clock().instant()));
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

    /** How far ahead a subscriber is told that the certificate ends. */
    static final java.time.Duration EXPIRY_NOTICE = java.time.Duration.ofDays(30);

    /**
     * What a subscriber must do about the certificate, or null: download the new profile when the
     * certificate was renewed after the last download (the one they have stops working), or ask
     * for a renewal when it ends within {@link #EXPIRY_NOTICE}.
     */
    static String certificateNotice(Client c, RequestRow r, Optional<java.time.Instant> renewed, java.time.Instant now) {
        if (c.status() == net.v6broker.client.ClientStatus.REVOKED) {
            return null;
        }
        if (renewed.isPresent()) {
            return "Your certificate was renewed on " + renewed.get().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + ": download your new profile; the one you have stops working when your tunnel reconnects.";
        }
        if (now.plus(EXPIRY_NOTICE).isAfter(c.notAfter())) {
            long days = java.time.Duration.between(now, c.notAfter()).toDays();
            return "Your certificate ends on " + c.notAfter() + " (in " + days + " day" + (days == 1 ? "" : "s")
                    + "): ask the operator to renew it, then download your new profile here.";
        }
        return null;
    }

    /** When the client's certificate was last renewed after the subscriber's last download, as the audit trail records it. */
    private static Optional<java.time.Instant> renewedSinceDownload(Services s, Client c, RequestRow r) {
        if (r.linkUsedAt() == null) {
            return Optional.empty();
        }
        return AuditView.rows(s.store(), c.name(), r.linkUsedAt(), 0, 1000).stream()
                .filter(a -> a.action().equals("renew") && a.clientId() != null && a.clientId() == c.id())
                .map(net.v6broker.store.AuditRow::at).reduce((x, y) -> y);
    }

    /** The request as an operator sees it. */
    public static Map<String, Object> json(RequestRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("name", r.name());
        m.put("email", r.email());
        m.put("type", r.type().cliName());
        m.put("size", r.size());
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

}
