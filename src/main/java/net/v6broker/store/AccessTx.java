package net.v6broker.store;

import net.v6broker.client.ClientOs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.v6broker.client.ClientKind;

/**
 * The typed operations on API tokens, subscription requests and allocation usage, inside the
 * transaction of the {@link Tx} that made it ({@code tx.access()}). Secrets are never passed in:
 * only their hashes. Not thread-safe: it belongs to the callback its transaction was handed to.
 */
public final class AccessTx {
    private static final String REQUEST_COLUMNS = "id, name, email, type, os, reason, status, created_at, decided_at, "
            + "decided_by, client_id, client_name, link_expires_at, link_used_at, link_hash IS NOT NULL, links_issued, "
            + "links_window_start, size";
    private final Connection c;

    AccessTx(Connection c) {
        this.c = c;
    }

    // ---- operator tokens

    /** An operator API token as stored (without its hash). */
    public record TokenRow(long id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** Stores a new token; a live token of the same name makes this throw {@link UniqueViolation}. */
    public long insertToken(String name, String hash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, ?) RETURNING id")) {
            s.setString(1, name);
            s.setString(2, hash);
            s.setLong(3, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw Tx.translate("adding API token " + name, e);
        }
    }

    /** The live token with this hash. */
    public Optional<TokenRow> liveToken(String hash) throws SQLException {
        List<TokenRow> rows = tokens("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens "
                + "WHERE token_hash = ? AND revoked_at IS NULL", hash);
        return rows.stream().findFirst();
    }

    /** Whether the token of this id exists and is not revoked. */
    public boolean tokenLive(long id) throws SQLException {
        try (PreparedStatement s = prepare("SELECT 1 FROM api_tokens WHERE id = ? AND revoked_at IS NULL", id);
             ResultSet r = s.executeQuery()) {
            return r.next();
        }
    }

    /** Every token, revoked ones too, by name. */
    public List<TokenRow> tokens() throws SQLException {
        return tokens("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY lower(name), id");
    }

    /** Revokes the live token of that name; returns whether there was one. */
    public boolean revokeToken(String name, Instant now) throws SQLException {
        return update("UPDATE api_tokens SET revoked_at = ? WHERE lower(name) = lower(?) AND revoked_at IS NULL",
                now.toEpochMilli(), name) > 0;
    }

    public void touchToken(long id, Instant now) throws SQLException {
        update("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now.toEpochMilli(), id);
    }

    private List<TokenRow> tokens(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(sql, args); ResultSet r = s.executeQuery()) {
            List<TokenRow> out = new ArrayList<>();
            while (r.next()) {
                out.add(new TokenRow(r.getLong(1), r.getString(2), instant(r, 3), instant(r, 4), instant(r, 5)));
            }
            return out;
        }
    }

    // ---- subscription requests

    /**
     * A subscriber's request as stored (without its secrets' hashes). {@code size} is the prefix
     * length asked for (128 for a hermit); the approved client's is what was granted.
     */
    public record RequestRow(long id, String name, String email, ClientKind type, int size, ClientOs os, String reason,
                             String status, Instant createdAt, Instant decidedAt, String decidedBy, Long clientId,
                             String clientName, Instant linkExpiresAt, Instant linkUsedAt, boolean linkIssued, int linksIssued,
                             Instant linksWindowStart) {
    }

    /** Stores a pending request; a pending one of the same name makes this throw {@link UniqueViolation}. */
    public long insertRequest(String name, String email, ClientKind type, int size, ClientOs os, String reason,
                              String subscriberHash, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO subscription_requests (name, email, type, size, os, reason, "
                + "status, subscriber_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id")) {
            s.setString(1, name);
            s.setString(2, email);
            s.setString(3, type.cliName());
            s.setInt(4, size);
            s.setString(5, os.cliName());
            s.setString(6, reason);
            s.setString(7, subscriberHash);
            s.setLong(8, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw Tx.translate("storing the request for " + name, e);
        }
    }

    public Optional<RequestRow> request(long id) throws SQLException {
        return requests("SELECT " + REQUEST_COLUMNS + " FROM subscription_requests WHERE id = ?", id).stream().findFirst();
    }

    public Optional<RequestRow> requestBySubscriber(String subscriberHash) throws SQLException {
        return requests("SELECT " + REQUEST_COLUMNS + " FROM subscription_requests WHERE subscriber_hash = ?",
                subscriberHash).stream().findFirst();
    }

    /** The request whose download link has this hash, used or not. */
    public Optional<RequestRow> requestByLink(String linkHash) throws SQLException {
        return requests("SELECT " + REQUEST_COLUMNS + " FROM subscription_requests WHERE link_hash = ?", linkHash)
                .stream().findFirst();
    }

    /** Requests of one status (or all when null), oldest first, one page. */
    public List<RequestRow> requests(String status, int offset, int limit) throws SQLException {
        String where = status == null ? "" : " WHERE status = ?";
        String sql = "SELECT " + REQUEST_COLUMNS + " FROM subscription_requests" + where
                + " ORDER BY created_at, id LIMIT " + Math.max(0, limit) + " OFFSET " + Math.max(0, offset);
        return status == null ? requests(sql) : requests(sql, status);
    }

    public long countRequests(String status) throws SQLException {
        try (PreparedStatement s = status == null
                ? prepare("SELECT count(*) FROM subscription_requests")
                : prepare("SELECT count(*) FROM subscription_requests WHERE status = ?", status);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Whether a pending request has this name (case-insensitively). */
    public boolean pendingName(String name) throws SQLException {
        try (PreparedStatement s = prepare("SELECT 1 FROM subscription_requests WHERE lower(name) = lower(?) "
                + "AND status = 'pending'", name); ResultSet r = s.executeQuery()) {
            return r.next();
        }
    }

    /** Decides a pending request; false when it was not pending (any more). */
    public boolean decide(long id, String status, String by, Instant now) throws SQLException {
        return update("UPDATE subscription_requests SET status = ?, decided_by = ?, decided_at = ? "
                + "WHERE id = ? AND status = 'pending'", status, by, now.toEpochMilli(), id) > 0;
    }

    /** Undoes an approval whose client could not be added: pending again. */
    public void reopen(long id) throws SQLException {
        update("UPDATE subscription_requests SET status = 'pending', decided_by = NULL, decided_at = NULL "
                + "WHERE id = ? AND status = 'approved' AND client_id IS NULL", id);
    }

    public void setClient(long id, long clientId, String clientName) throws SQLException {
        update("UPDATE subscription_requests SET client_id = ?, client_name = ? WHERE id = ?", clientId, clientName, id);
    }

    /** What {@link #issueLink} did. */
    public enum LinkIssue {
        ISSUED,
        /** the request is not approved (any more) */
        NOT_APPROVED,
        /** an earlier link is neither used nor expired */
        OPEN_LINK,
        /** the request took its links of the current window */
        LIMIT_REACHED
    }

    /**
     * Records a new download link for an approved request, at most {@code perWindow} in a window of
     * {@code window} (the window opens with its first link), while no earlier link is still open.
     * Decided on the row as read in this write transaction, which writers take one at a time.
     */
    public LinkIssue issueLink(long id, String linkHash, Instant expires, Instant now, java.time.Duration window, int perWindow)
            throws SQLException {
        RequestRow r = request(id).orElse(null);
        if (r == null || !r.status().equals("approved")) {
            return LinkIssue.NOT_APPROVED;
        }
        if (r.linkIssued() && r.linkUsedAt() == null && r.linkExpiresAt().isAfter(now)) {
            return LinkIssue.OPEN_LINK;
        }
        boolean windowOpen = r.linksWindowStart() != null && r.linksWindowStart().plus(window).isAfter(now);
        if (windowOpen && r.linksIssued() >= perWindow) {
            return LinkIssue.LIMIT_REACHED;
        }
        update("UPDATE subscription_requests SET link_hash = ?, link_expires_at = ?, link_used_at = NULL, links_issued = ?, "
                + "links_window_start = ? WHERE id = ?", linkHash, expires.toEpochMilli(), windowOpen ? r.linksIssued() + 1 : 1,
                (windowOpen ? r.linksWindowStart() : now).toEpochMilli(), id);
        return LinkIssue.ISSUED;
    }

    /** Takes a download link: true for exactly one caller while it is unused and unexpired. */
    public boolean useLink(String linkHash, Instant now) throws SQLException {
        return update("UPDATE subscription_requests SET link_used_at = ? WHERE link_hash = ? AND link_used_at IS NULL "
                + "AND link_expires_at > ?", now.toEpochMilli(), linkHash, now.toEpochMilli()) > 0;
    }

    private List<RequestRow> requests(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(sql, args); ResultSet r = s.executeQuery()) {
            List<RequestRow> out = new ArrayList<>();
            while (r.next()) {
                long cid = r.getLong(11);
                Long clientId = r.wasNull() ? null : cid;
                out.add(new RequestRow(r.getLong(1), r.getString(2), r.getString(3), ClientKind.parse(r.getString(4)),
                        r.getInt(18), ClientOs.parse(r.getString(5)), r.getString(6), r.getString(7), instant(r, 8), instant(r, 9),
                        r.getString(10), clientId, r.getString(12), instant(r, 13), instant(r, 14), r.getBoolean(15),
                        r.getInt(16), instant(r, 17)));
            }
            return out;
        }
    }

    // ---- allocation usage

    /**
     * Allocations of a pool that are not free at {@code now}, counted per cell of {@code span}
     * consecutive indices (cell = index / span; all hermits in cell 0): held (by a client or a link)
     * and in quarantine.
     */
    public record AllocationCell(String pool, int size, long cell, long used, long quarantined) {
    }

    /**
     * The pools' allocations (clients' and, in the subnet pool, links') counted per cell, by the
     * database: at most one row per pool and cell, whatever number of allocations it counts. A
     * block's cell is the one of its first /64 ({@code span} /64s a cell); a hermit's is 0.
     */
    public List<AllocationCell> allocationCells(Instant now, long span) throws SQLException {
        if (span < 1) {
            throw new IllegalArgumentException("span " + span + " < 1");
        }
        try (PreparedStatement s = prepare("SELECT a.pool, p.size, CASE WHEN a.pool = 'hermit' THEN 0 ELSE "
                        + "a.pool_index * (CASE p.size WHEN 60 THEN 16 WHEN 56 THEN 256 WHEN 48 THEN 65536 ELSE 1 END) / ? END AS cell, "
                        + "sum(CASE WHEN q THEN 0 ELSE 1 END), sum(CASE WHEN q THEN 1 ELSE 0 END) FROM ("
                        + "SELECT pool, pool_index, reusable_at IS NOT NULL AS q FROM allocations "
                        + "WHERE reusable_at IS NULL OR reusable_at > ? "
                        + "UNION ALL SELECT 'subnet', pool_index, reusable_at IS NOT NULL FROM links "
                        + "WHERE pool_index IS NOT NULL AND (reusable_at IS NULL OR reusable_at > ?)) AS a "
                        + "JOIN pools p ON p.pool = a.pool "
                        + "GROUP BY a.pool, p.size, cell ORDER BY a.pool, cell",
                span, now.toEpochMilli(), now.toEpochMilli());
             ResultSet r = s.executeQuery()) {
            List<AllocationCell> out = new ArrayList<>();
            while (r.next()) {
                out.add(new AllocationCell(r.getString(1), r.getInt(2), r.getLong(3), r.getLong(4), r.getLong(5)));
            }
            return out;
        }
    }

    /** Live and quarantined blocks of a pool in one square of the region picture: {@code span} blocks from {@code cell * span}. */
    public record RegionCell(long cell, long used, long quarantined) {
    }

    /**
     * The blocks {@code from..to} of a pool that are not free at {@code now}, counted per group of
     * {@code span} (cell = index / span): held by a client or a link, and in quarantine. One row per
     * cell that is not free, from the pool's primary key.
     */
    public List<RegionCell> regionCells(String pool, long from, long to, long span, Instant now) throws SQLException {
        if (span < 1) {
            throw new IllegalArgumentException("span " + span + " < 1");
        }
        try (PreparedStatement s = prepare("SELECT pool_index / ? AS cell, sum(CASE WHEN q THEN 0 ELSE 1 END), "
                        + "sum(CASE WHEN q THEN 1 ELSE 0 END) FROM ("
                        + "SELECT pool_index, reusable_at IS NOT NULL AS q FROM allocations WHERE pool = ? "
                        + "AND pool_index BETWEEN ? AND ? AND (reusable_at IS NULL OR reusable_at > ?) "
                        + "UNION ALL SELECT pool_index, reusable_at IS NOT NULL FROM links WHERE ? = 'subnet' "
                        + "AND pool_index BETWEEN ? AND ? AND (reusable_at IS NULL OR reusable_at > ?)) AS a "
                        + "GROUP BY cell ORDER BY cell",
                span, pool, from, to, now.toEpochMilli(), pool, from, to, now.toEpochMilli());
             ResultSet r = s.executeQuery()) {
            List<RegionCell> out = new ArrayList<>();
            while (r.next()) {
                out.add(new RegionCell(r.getLong(1), r.getLong(2), r.getLong(3)));
            }
            return out;
        }
    }

    /** Who holds each block {@code from..to} of the subnet pool of {@code size}: live clients by name, links as "link NAME". */
    public java.util.Map<Long, String> holders(int size, long from, long to) throws SQLException {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        try (PreparedStatement s = prepare("SELECT pool_index, name FROM clients WHERE type = 'subnet' AND size = ? "
                + "AND pool_index BETWEEN ? AND ? AND deleted_at IS NULL", size, from, to); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getLong(1), r.getString(2));
            }
        }
        if (size == 64) {
            try (PreparedStatement s = prepare("SELECT pool_index, name FROM links WHERE pool_index BETWEEN ? AND ? "
                    + "AND deleted_at IS NULL", from, to); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getLong(1), "link " + r.getString(2));
                }
            }
        }
        return out;
    }

    // ---- helpers

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        Tx.bind(s, args);
        return s;
    }

    private int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(sql, args)) {
            return s.executeUpdate();
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
