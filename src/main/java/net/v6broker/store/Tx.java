package net.v6broker.store;

import net.v6broker.client.ClientOs;

import net.v6broker.client.ClientStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import net.v6broker.client.ClientKind;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Region;

/**
 * The typed operations of one transaction. SQL lives here and only here. Not thread-safe: it
 * belongs to the callback it was handed to.
 *
 * <p>The statements a bulk insert repeats for every client (the name check and the writes) are
 * prepared once per transaction and reused; {@link Store} closes them when the transaction ends.
 */
public final class Tx {
    private static final String CLIENT_COLUMNS =
            "id, name, type, os, email, status, pool_index, size, serial, created_at, updated_at, deleted_at";
    private final Connection c;
    /** Bound parameters per query of {@link #liveNames}, well below SQLite's and PostgreSQL's limits. */
    private static final int NAMES_PER_QUERY = 500;
    private final Map<String, PreparedStatement> reused = new HashMap<>();
    /**
     * The sort key of client names: lower-cased and compared byte by byte on both databases (SQLite's
     * default; PostgreSQL's "C" collation, which its index {@code clients_name_c} is built with), so
     * that a name-start search is one range of the index and pages come in the same order everywhere.
     */
    private final String nameKey;
    /** The same for e-mail addresses ({@code clients_email}). */
    private final String emailKey;

    Tx(Connection c, boolean postgres) {
        this.c = c;
        this.nameKey = postgres ? "lower(name) COLLATE \"C\"" : "lower(name)";
        this.emailKey = postgres ? "lower(email) COLLATE \"C\"" : "lower(email)";
    }

    /** The transaction's connection, for whole-database work such as {@link Migration}. */
    Connection connection() {
        return c;
    }

    // ---- the broker's identity

    /** The identity {@code init} recorded; empty in a database made before identities. */
    public Optional<BrokerIdentity> identity() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT broker_id, prefix, created_at FROM broker WHERE singleton = 1");
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(new BrokerIdentity(r.getString(1), r.getString(2), instant(r, 3))) : Optional.empty();
        }
    }

    /** Records the identity; a database that has one already refuses a second ({@link UniqueViolation}). */
    public void recordIdentity(BrokerIdentity identity) throws SQLException {
        try {
            update("INSERT INTO broker (singleton, broker_id, prefix, created_at) VALUES (1, ?, ?, ?)", identity.brokerId(),
                    identity.prefix(), identity.createdAt().toEpochMilli());
        } catch (SQLException e) {
            throw translate("recording the broker's identity", e);
        }
    }

    /** The broker's tls-crypt-v2 server key (PEM); empty until the first command that needs one stores it. */
    public Optional<String> tlsCryptV2Key() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT tls_crypt_v2_key FROM broker WHERE singleton = 1");
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.empty();
        }
    }

    /** Stores the tls-crypt-v2 server key unless one is stored already (then that one stays). */
    public void offerTlsCryptV2Key(String pem) throws SQLException {
        update("UPDATE broker SET tls_crypt_v2_key = ? WHERE singleton = 1 AND tls_crypt_v2_key IS NULL", pem);
    }

    // ---- clients

    /** The live (not deleted) client of that name, compared case-insensitively. */
    public Optional<ClientRow> client(String name) throws SQLException {
        PreparedStatement s = reused("SELECT " + CLIENT_COLUMNS
                + " FROM clients WHERE lower(name) = lower(?) AND deleted_at IS NULL");
        s.setString(1, name);
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(clientRow(r)) : Optional.empty();
        }
    }

    /** The client (live or deleted) that a create with this idempotency key made, if any. */
    public Optional<ClientRow> clientByIdempotencyKey(String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + CLIENT_COLUMNS + " FROM clients WHERE idempotency_key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(clientRow(r)) : Optional.empty();
            }
        }
    }

    /**
     * Which of {@code names} live clients have, lower-cased (names are compared case-insensitively):
     * one query where a batch asked {@link #client} once per name.
     */
    public Set<String> liveNames(List<String> names) throws SQLException {
        Set<String> found = new HashSet<>();
        byLiveName(names, "lower(name)", r -> found.add(r.getString(1).toLowerCase(Locale.ROOT)));
        return found;
    }

    /**
     * The status of each of {@code names} that is a live client, by lower-cased name; a name with no
     * live client (deleted, never added) is absent.
     */
    public Map<String, ClientStatus> statusesOf(List<String> names) throws SQLException {
        Map<String, ClientStatus> found = new HashMap<>();
        byLiveName(names, "lower(name), status", r -> found.put(r.getString(1).toLowerCase(Locale.ROOT),
                ClientStatus.of(r.getString(2))));
        return found;
    }

    /** Selects {@code columns} of the live clients among {@code names}, {@value #NAMES_PER_QUERY} names a query. */
    private void byLiveName(List<String> names, String columns, RowReader row) throws SQLException {
        for (int from = 0; from < names.size(); from += NAMES_PER_QUERY) {
            List<String> part = names.subList(from, Math.min(names.size(), from + NAMES_PER_QUERY));
            String marks = String.join(", ", Collections.nCopies(part.size(), "lower(?)"));
            try (PreparedStatement s = c.prepareStatement("SELECT " + columns + " FROM clients WHERE lower(name) IN ("
                    + marks + ") AND deleted_at IS NULL")) {
                for (int i = 0; i < part.size(); i++) {
                    s.setString(i + 1, part.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        row.read(r);
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet r) throws SQLException;
    }

    /**
     * One page of the live clients that {@code q} selects, in name order ({@link ClientQuery}); every
     * filter is a range or an equality on an index, so a page costs the same at 100 clients as at
     * 100,000 (a large {@code offset} walks the index to it; {@link ClientQuery#after} does not).
     */
    public List<ClientRow> clients(ClientQuery q, long offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        args.add(limit);
        args.add(offset);
        try (PreparedStatement s = c.prepareStatement("SELECT " + CLIENT_COLUMNS + " FROM clients WHERE " + where
                + " ORDER BY " + nameKey + " LIMIT ? OFFSET ?")) {
            bind(s, args.toArray());
            try (ResultSet r = s.executeQuery()) {
                List<ClientRow> out = new ArrayList<>();
                while (r.next()) {
                    out.add(clientRow(r));
                }
                return out;
            }
        }
    }

    /** How many live clients {@code q} selects (its {@code after} included). */
    public long countClients(ClientQuery q) throws SQLException {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM clients WHERE " + where)) {
            bind(s, args.toArray());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Live clients by state and kind, in one pass: {@code [status.ordinal()][kind.ordinal()]}. */
    public long[][] clientCounts() throws SQLException {
        long[][] out = new long[ClientStatus.values().length][ClientKind.values().length];
        try (PreparedStatement s = c.prepareStatement(
                "SELECT status, type, count(*) FROM clients WHERE deleted_at IS NULL GROUP BY status, type");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out[ClientStatus.of(r.getString(1)).ordinal()][ClientKind.parse(r.getString(2)).ordinal()] = r.getLong(3);
            }
        }
        return out;
    }

    /** The WHERE clause of a client query, its values appended to {@code args}. */
    private String where(ClientQuery q, List<Object> args) {
        StringBuilder w = new StringBuilder("deleted_at IS NULL");
        if (q.status() != null) {
            w.append(" AND status = ?");
            args.add(q.status().dbName());
        }
        if (q.type() != null) {
            w.append(" AND type = ?");
            args.add(q.type().cliName());
        }
        if (q.nameStart() != null) {
            w.append(" AND ").append(nameKey).append(" >= ? AND ").append(nameKey).append(" < ?");
            args.add(q.nameStart());
            args.add(successor(q.nameStart()));
        }
        if (q.emailStart() != null) {
            w.append(" AND ").append(emailKey).append(" >= ? AND ").append(emailKey).append(" < ?");
            args.add(q.emailStart());
            args.add(successor(q.emailStart()));
        }
        if (q.holder() != null) {
            w.append(" AND type = ? AND size = ? AND pool_index = ?");
            args.add(q.holder().pool().cliName());
            args.add(q.holder().size());
            args.add(q.holder().index());
        }
        if (q.after() != null) {
            w.append(" AND ").append(nameKey).append(" > ?");
            args.add(q.after());
        }
        return w.toString();
    }

    /** The least string above every string that starts with {@code start}: its last character plus one. */
    private static String successor(String start) {
        int last = start.length() - 1;
        return start.substring(0, last) + (char) (start.charAt(last) + 1);
    }

    public long insertClient(String name, ClientKind type, int size, ClientOs os, String email, long poolIndex, String serial,
                             Instant now, String idempotencyKey) throws SQLException {
        try {
            PreparedStatement s = reused("INSERT INTO clients (name, type, size, os, email, status, "
                    + "pool_index, serial, created_at, updated_at, idempotency_key) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?) "
                    + "RETURNING id");
            s.setString(1, name);
            s.setString(2, type.cliName());
            s.setInt(3, size);
            s.setString(4, os.cliName());
            s.setString(5, email);
            s.setLong(6, poolIndex);
            s.setString(7, serial);
            s.setLong(8, now.toEpochMilli());
            s.setLong(9, now.toEpochMilli());
            s.setString(10, idempotencyKey);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw translate("adding client " + name, e);
        }
    }

    public void setStatus(long clientId, ClientStatus status, Instant now) throws SQLException {
        update("UPDATE clients SET status = ?, updated_at = ? WHERE id = ?", status.dbName(), now.toEpochMilli(), clientId);
    }

    public void setSerial(long clientId, String serial, Instant now) throws SQLException {
        update("UPDATE clients SET serial = ?, updated_at = ? WHERE id = ?", serial, now.toEpochMilli(), clientId);
    }

    /** A client's new prefix: its size and index in the pool of that size. */
    public void resize(long clientId, int size, long poolIndex, Instant now) throws SQLException {
        update("UPDATE clients SET size = ?, pool_index = ?, updated_at = ? WHERE id = ?", size, poolIndex, now.toEpochMilli(),
                clientId);
    }

    public void markDeleted(long clientId, Instant now) throws SQLException {
        update("UPDATE clients SET status = 'revoked', deleted_at = ?, updated_at = ? WHERE id = ?",
                now.toEpochMilli(), now.toEpochMilli(), clientId);
    }

    public long countClients() throws SQLException {
        return count("SELECT count(*) FROM clients WHERE deleted_at IS NULL");
    }

    public long countDeletedClients() throws SQLException {
        return count("SELECT count(*) FROM clients WHERE deleted_at IS NOT NULL");
    }

    // ---- pools and allocations

    /** Whether the plan's pools are recorded (by init, or by the first command of a home made before sizes). */
    public boolean poolsRecorded() throws SQLException {
        return count("SELECT count(*) FROM pools") > 0;
    }

    /**
     * Records a pool of the plan (the hermit pool, or a region of subnet blocks) and its free
     * intervals: every index from {@code first} to {@code last} that no allocation or link holds.
     * A pool that exists already makes this throw {@link UniqueViolation}.
     */
    public void recordPool(String pool, int size, long first, long last, Instant now) throws SQLException {
        try {
            update("INSERT INTO pools (pool, size, first_index, last_index, created_at) VALUES (?, ?, ?, ?, ?)",
                    pool, size, first, last, now.toEpochMilli());
        } catch (SQLException e) {
            throw translate("recording pool " + pool, e);
        }
        // the gaps between the taken indices (and before the first and after the last of them)
        update("INSERT INTO allocation_free (pool, lo, hi) SELECT ?, t + 1, coalesce(nxt - 1, ?) FROM ("
                + "SELECT t, lead(t) OVER (ORDER BY t) AS nxt FROM ("
                + "SELECT CAST(? AS BIGINT) AS t "
                + "UNION SELECT pool_index FROM allocations WHERE pool = ? AND pool_index BETWEEN ? AND ? "
                + "UNION SELECT pool_index FROM links WHERE ? = 'subnet' AND pool_index BETWEEN ? AND ?) AS taken) AS gaps "
                + "WHERE (nxt IS NULL AND t < ?) OR nxt > t + 1",
                pool, last, first - 1, pool, first, last, pool, first, last, last);
    }

    /** The plan's regions of subnet blocks, as recorded. */
    public List<Region> regions() throws SQLException {
        List<Region> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT size, first_index, last_index FROM pools WHERE pool <> 'hermit' "
                + "ORDER BY size DESC"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new Region(r.getInt(1), r.getLong(2), r.getLong(3)));
            }
        }
        return out;
    }

    /**
     * The free indices of a pool as an {@link Allocator} asks about them, from its free intervals;
     * ends the pool's quarantines that are over first.
     */
    public Allocator.Free free(String pool, Instant now) throws SQLException {
        endQuarantines(pool, now);
        return new Allocator.Free() {
            @Override
            public OptionalLong lowest() {
                try {
                    PreparedStatement s = reused("SELECT min(lo) FROM allocation_free WHERE pool = ?");
                    bind(s, pool);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        long v = r.getLong(1);
                        return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                    }
                } catch (SQLException e) {
                    throw translate("reading the lowest free " + pool + " index", e);
                }
            }

            @Override
            public void take(long index) {
                try {
                    if (!Tx.this.take(pool, index)) {
                        throw new UniqueViolation(pool + " index " + index + " is taken");
                    }
                } catch (SQLException e) {
                    throw translate("taking " + pool + " index " + index, e);
                }
            }

            @Override
            public long used() {
                try {
                    return countTaken(pool, 0, Long.MAX_VALUE, now);
                } catch (SQLException e) {
                    throw translate("counting taken " + pool + " indices", e);
                }
            }
        };
    }

    /** A run of free indices of a pool, {@code lo} to {@code hi}. */
    public record Interval(long lo, long hi) {
    }

    /** A pool's free intervals in order (for checks and tests; an allocation asks {@link #free}). */
    public List<Interval> freeIntervals(String pool) throws SQLException {
        List<Interval> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT lo, hi FROM allocation_free WHERE pool = ? ORDER BY lo")) {
            s.setString(1, pool);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Interval(r.getLong(1), r.getLong(2)));
                }
            }
        }
        return out;
    }

    /**
     * Takes {@code index} out of its pool's free intervals; false (and nothing changed) when it is in
     * none: held, in quarantine, or outside the pool.
     */
    public boolean take(String pool, long index) throws SQLException {
        long lo;
        long hi;
        PreparedStatement s = reused("SELECT lo, hi FROM allocation_free WHERE pool = ? AND lo <= ? ORDER BY lo DESC LIMIT 1");
        bind(s, pool, index);
        try (ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                return false;
            }
            lo = r.getLong(1);
            hi = r.getLong(2);
        }
        if (hi < index) {
            return false;
        }
        if (lo == index && hi == index) {
            update("DELETE FROM allocation_free WHERE pool = ? AND lo = ?", pool, lo);
        } else if (lo == index) {
            update("UPDATE allocation_free SET lo = ? WHERE pool = ? AND lo = ?", index + 1, pool, lo);
        } else {
            update("UPDATE allocation_free SET hi = ? WHERE pool = ? AND lo = ?", index - 1, pool, lo);
            if (index < hi) {
                update("INSERT INTO allocation_free (pool, lo, hi) VALUES (?, ?, ?)", pool, index + 1, hi);
            }
        }
        return true;
    }

    /**
     * How many indices of a pool from {@code from} to {@code to} are not free at {@code now}: held by
     * a client or (subnet pool) a link, or still in quarantine. For reports and checks: an
     * allocation asks {@link #free}.
     */
    public long countTaken(String pool, long from, long to, Instant now) throws SQLException {
        if (from > to) {
            return 0;
        }
        PreparedStatement s = reused("SELECT (SELECT count(*) FROM allocations WHERE pool = ? AND pool_index BETWEEN ? AND ? "
                + "AND (reusable_at IS NULL OR reusable_at > ?)) "
                + "+ (SELECT count(*) FROM links WHERE ? = 'subnet' AND pool_index BETWEEN ? AND ? "
                + "AND (reusable_at IS NULL OR reusable_at > ?))");
        bind(s, pool, from, to, now.toEpochMilli(), pool, from, to, now.toEpochMilli());
        try (ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * Ends every quarantine of {@code pool} that is over at {@code now}: those indices return to the
     * pool's free intervals (a link's /64 too, which the link then no longer names). Run by
     * {@link #free} before an allocation.
     */
    public void endQuarantines(String pool, Instant now) throws SQLException {
        long t = now.toEpochMilli();
        update("INSERT INTO allocation_free (pool, lo, hi) SELECT pool, pool_index, pool_index FROM allocations "
                + "WHERE pool = ? AND reusable_at IS NOT NULL AND reusable_at <= ?", pool, t);
        update("DELETE FROM allocations WHERE pool = ? AND reusable_at IS NOT NULL AND reusable_at <= ?", pool, t);
        if (pool.equals("subnet")) {
            update("INSERT INTO allocation_free (pool, lo, hi) SELECT 'subnet', pool_index, pool_index FROM links "
                    + "WHERE pool_index IS NOT NULL AND reusable_at IS NOT NULL AND reusable_at <= ?", t);
            update("UPDATE links SET pool_index = NULL WHERE pool_index IS NOT NULL AND reusable_at IS NOT NULL "
                    + "AND reusable_at <= ?", t);
        }
    }

    /**
     * Records that a client holds an index it took from its pool's free intervals ({@link #free},
     * {@link #take}); an index that is held or still in quarantine makes this throw {@link UniqueViolation}.
     */
    public void claim(String pool, long index, long clientId, Instant now) throws SQLException {
        try {
            update("INSERT INTO allocations (pool, pool_index, client_id, allocated_at) VALUES (?, ?, ?, ?)",
                    pool, index, clientId, now.toEpochMilli());
        } catch (SQLException e) {
            throw translate("claiming " + pool + " index " + index, e);
        }
    }

    /** Puts a client's index into quarantine until {@code reusableAt}. */
    public void release(long clientId, Instant reusableAt) throws SQLException {
        update("UPDATE allocations SET reusable_at = ? WHERE client_id = ? AND reusable_at IS NULL",
                reusableAt.toEpochMilli(), clientId);
    }

    // ---- links (laptop and site links: 'v6broker link create')

    private static final String LINK_COLUMNS =
            "id, name, prefix, pool_index, dev, gateway, created_at, deleted_at, reusable_at";

    /** The live (not deleted) link of that name, compared case-insensitively. */
    public Optional<LinkRow> link(String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + LINK_COLUMNS
                + " FROM links WHERE lower(name) = lower(?) AND deleted_at IS NULL")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(linkRow(r)) : Optional.empty();
            }
        }
    }

    /** Every live link, by name. */
    public List<LinkRow> links() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + LINK_COLUMNS
                + " FROM links WHERE deleted_at IS NULL ORDER BY name");
             ResultSet r = s.executeQuery()) {
            List<LinkRow> out = new ArrayList<>();
            while (r.next()) {
                out.add(linkRow(r));
            }
            return out;
        }
    }

    /**
     * Records a link holding {@code prefix}; {@code poolIndex} is its subnet index, or null for a
     * prefix outside the broker's. A taken name, prefix or index throws {@link UniqueViolation}.
     */
    public long insertLink(String name, String prefix, Long poolIndex, String dev, String gateway, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO links (name, prefix, pool_index, dev, gateway, "
                + "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            s.setString(1, name);
            s.setString(2, prefix);
            if (poolIndex == null) {
                s.setNull(3, Types.BIGINT);
            } else {
                s.setLong(3, poolIndex);
            }
            s.setString(4, dev);
            s.setString(5, gateway);
            s.setLong(6, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw translate("adding link " + name + " (" + prefix + ")", e);
        }
    }

    /** Removes a link from listings; its index stays taken until {@code reusableAt}. */
    public void deleteLink(long id, Instant now, Instant reusableAt) throws SQLException {
        update("UPDATE links SET deleted_at = ?, reusable_at = ? WHERE id = ? AND deleted_at IS NULL",
                now.toEpochMilli(), reusableAt.toEpochMilli(), id);
    }

    private static LinkRow linkRow(ResultSet r) throws SQLException {
        long index = r.getLong(4);
        Long poolIndex = r.wasNull() ? null : index;
        return new LinkRow(r.getLong(1), r.getString(2), r.getString(3), poolIndex, r.getString(5), r.getString(6),
                instant(r, 7), instant(r, 8), instant(r, 9));
    }

    // ---- certificates

    public void insertCertificate(CertificateRow row) throws SQLException {
        try {
            update("INSERT INTO certificates (serial, client_id, role, common_name, not_before, not_after, "
                            + "certificate_pem, private_key_pem, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row.serial(), row.clientId(), row.role(), row.commonName(), row.notBefore().toEpochMilli(),
                    row.notAfter().toEpochMilli(), row.certificatePem(), row.privateKeyPem(),
                    row.createdAt().toEpochMilli());
        } catch (SQLException e) {
            throw translate("storing certificate " + row.serial() + " of " + row.commonName(), e);
        }
    }

    private static final String CERTIFICATE_COLUMNS = "serial, client_id, role, common_name, not_before, "
            + "not_after, certificate_pem, private_key_pem, created_at, revoked_at";

    /** A certificate by its serial. */
    public Optional<CertificateRow> certificate(String serial) throws SQLException {
        PreparedStatement s = reused("SELECT " + CERTIFICATE_COLUMNS + " FROM certificates WHERE serial = ?");
        s.setString(1, serial);
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(certificateRow(r)) : Optional.empty();
        }
    }

    /**
     * The certificates of these serials (at most {@link #MAX_SERIALS_A_QUERY}), by serial, in one
     * query: a page or a walk's batch of clients reads its certificates at once, not one round trip a
     * client (on PostgreSQL 100,000 round trips took 15 s of a start; docs/decisions.md, 21).
     */
    public Map<String, CertificateRow> certificates(Collection<String> serials) throws SQLException {
        if (serials.size() > MAX_SERIALS_A_QUERY) {
            throw new IllegalArgumentException(serials.size() + " serials: at most " + MAX_SERIALS_A_QUERY + " a query");
        }
        Map<String, CertificateRow> out = new HashMap<>();
        if (serials.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT " + CERTIFICATE_COLUMNS + " FROM certificates WHERE serial IN ("
                + String.join(", ", Collections.nCopies(serials.size(), "?")) + ")")) {
            bind(s, serials.toArray());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    CertificateRow row = certificateRow(r);
                    out.put(row.serial(), row);
                }
            }
        }
        return out;
    }

    /** Serials {@link #certificates} takes in one query (SQLite binds up to 32,766 parameters). */
    public static final int MAX_SERIALS_A_QUERY = 1000;

    private static CertificateRow certificateRow(ResultSet r) throws SQLException {
        long clientId = r.getLong(2);
        Long client = r.wasNull() ? null : clientId;
        return new CertificateRow(r.getString(1), client, r.getString(3), r.getString(4),
                instant(r, 5), instant(r, 6), r.getString(7), r.getString(8), instant(r, 9), instant(r, 10));
    }

    /** Marks every unrevoked certificate of a client revoked; returns how many. */
    public int revokeCertificates(long clientId, Instant at) throws SQLException {
        return update("UPDATE certificates SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
                at.toEpochMilli(), clientId);
    }

    public void revokeCertificate(String serial, Instant at) throws SQLException {
        update("UPDATE certificates SET revoked_at = ? WHERE serial = ? AND revoked_at IS NULL", at.toEpochMilli(), serial);
    }

    /** Serials and dates of all revoked certificates that have not yet expired, for the CRL. */
    public List<Revoked> revokedUnexpired(Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT serial, revoked_at FROM certificates "
                + "WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY revoked_at, serial")) {
            s.setLong(1, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                List<Revoked> out = new ArrayList<>();
                while (r.next()) {
                    out.add(new Revoked(r.getString(1), Instant.ofEpochMilli(r.getLong(2))));
                }
                return out;
            }
        }
    }

    /** A revoked certificate as the CRL lists it. */
    public record Revoked(String serial, Instant revokedAt) {
    }

    // ---- CRLs

    public long nextCrlNumber() throws SQLException {
        return count("SELECT coalesce(max(number), 0) + 1 FROM crls");
    }

    /** CRLs kept in the database: the newest is the one every reader takes; the one before is kept for a look back. */
    static final int CRLS_KEPT = 2;

    /**
     * Stores a new CRL and drops all but the newest {@value #CRLS_KEPT}: nothing reads an older one
     * (events name CRLs by number only), and with 10,000 revoked certificates each is 470 KB, which
     * every revoke would otherwise add to the database for good.
     */
    public void insertCrl(CrlRow row) throws SQLException {
        update("INSERT INTO crls (number, this_update, next_update, pem) VALUES (?, ?, ?, ?)",
                row.number(), row.thisUpdate().toEpochMilli(), row.nextUpdate().toEpochMilli(), row.pem());
        update("DELETE FROM crls WHERE number <= ?", row.number() - CRLS_KEPT);
    }

    public Optional<CrlRow> latestCrl() throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT number, this_update, next_update, pem FROM crls ORDER BY number DESC LIMIT 1");
             ResultSet r = s.executeQuery()) {
            return r.next()
                    ? Optional.of(new CrlRow(r.getLong(1), instant(r, 2), instant(r, 3), r.getString(4)))
                    : Optional.empty();
        }
    }

    // ---- events

    public void appendEvent(Instant at, EventKind kind, Long clientId, String clientName, String detail)
            throws SQLException {
        update("INSERT INTO events (at, kind, client_id, client_name, detail) VALUES (?, ?, ?, ?, ?)",
                at.toEpochMilli(), kind.dbName(), clientId, clientName, detail);
    }

    public List<EventRow> eventsAfter(long id, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, at, kind, client_id, client_name, detail "
                + "FROM events WHERE id > ? ORDER BY id LIMIT ?")) {
            s.setLong(1, id);
            s.setInt(2, limit);
            try (ResultSet r = s.executeQuery()) {
                List<EventRow> out = new ArrayList<>();
                while (r.next()) {
                    long cid = r.getLong(4);
                    Long clientId = r.wasNull() ? null : cid;
                    out.add(new EventRow(r.getLong(1), instant(r, 2), EventKind.of(r.getString(3)), clientId, r.getString(5),
                            r.getString(6)));
                }
                return out;
            }
        }
    }

    // ---- audit

    /** Appends a row to the audit trail (its id is the database's). */
    public void appendAudit(AuditRow a) throws SQLException {
        update("INSERT INTO audit (at, actor_kind, actor, origin, action, client_id, client_name, detail, before, after) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", a.at().toEpochMilli(), a.actorKind(), a.actor(), a.origin(),
                a.action(), a.clientId(), a.clientName(), a.detail(), a.before(), a.after());
    }

    /**
     * Audit rows in the order they were written, from {@code afterId} on: all, or those of one client
     * (by name, case-insensitively, deleted clients of that name included), at or after {@code since}.
     */
    public List<AuditRow> audit(String clientName, Instant since, long afterId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor_kind, actor, origin, action, client_id, client_name, "
                + "detail, before, after FROM audit WHERE id > ?");
        List<Object> args = new ArrayList<>(List.of(afterId));
        if (clientName != null) {
            sql.append(" AND lower(client_name) = lower(?)");
            args.add(clientName);
        }
        if (since != null) {
            sql.append(" AND at >= ?");
            args.add(since.toEpochMilli());
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(limit);
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            bind(s, args.toArray());
            try (ResultSet r = s.executeQuery()) {
                List<AuditRow> out = new ArrayList<>();
                while (r.next()) {
                    out.add(auditRow(r));
                }
                return out;
            }
        }
    }

    /** One client's newest {@code limit} audit rows, newest first. */
    public List<AuditRow> auditNewest(String clientName, int limit) throws SQLException {
        List<AuditRow> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, at, actor_kind, actor, origin, action, client_id, client_name, "
                + "detail, before, after FROM audit WHERE lower(client_name) = lower(?) ORDER BY id DESC LIMIT ?")) {
            bind(s, clientName, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(auditRow(r));
                }
            }
        }
        return out;
    }

    private static AuditRow auditRow(ResultSet r) throws SQLException {
        long cid = r.getLong(7);
        Long clientId = r.wasNull() ? null : cid;
        return new AuditRow(r.getLong(1), instant(r, 2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                clientId, r.getString(8), r.getString(9), r.getString(10), r.getString(11));
    }

    // ---- reclaim

    /** A client the reclaim policy looks at: its last activity (newest session seen, else its creation) and its notice. */
    public record ReclaimCandidate(long clientId, String name, String email, ClientStatus status, Instant lastActivity,
                                   Instant notifiedAt, Instant seenAtNotice) {
    }

    /**
     * The live clients, revoked ones left out, that were last active at or before {@code idleSince}
     * or hold a notice, in name order.
     */
    public List<ReclaimCandidate> reclaimCandidates(Instant idleSince) throws SQLException {
        String sql = "SELECT id, name, email, status, activity, notified_at, notice_seen FROM ("
                + "SELECT c.id, c.name, c.email, c.status, COALESCE((SELECT max(s.last_seen) FROM sessions s "
                + "WHERE lower(s.client_name) = lower(c.name) AND s.last_seen >= c.created_at), c.created_at) AS activity, "
                + "n.notified_at, n.last_seen AS notice_seen FROM clients c LEFT JOIN reclaim_notices n ON n.client_id = c.id "
                + "WHERE c.deleted_at IS NULL AND c.status <> 'revoked') x "
                + "WHERE activity <= ? OR notified_at IS NOT NULL ORDER BY name";
        List<ReclaimCandidate> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, idleSince.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new ReclaimCandidate(r.getLong(1), r.getString(2), r.getString(3), ClientStatus.of(r.getString(4)),
                            instant(r, 5), instant(r, 6), instant(r, 7)));
                }
            }
        }
        return out;
    }

    /** Records a notice; false when the client has one already (another node noticed it first). */
    public boolean insertReclaimNotice(long clientId, Instant notifiedAt, Instant lastActivity) throws SQLException {
        return update("INSERT INTO reclaim_notices (client_id, notified_at, last_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                clientId, notifiedAt.toEpochMilli(), lastActivity.toEpochMilli()) == 1;
    }

    /** Withdraws a client's notice; false when it had none. */
    public boolean deleteReclaimNotice(long clientId) throws SQLException {
        return update("DELETE FROM reclaim_notices WHERE client_id = ?", clientId) == 1;
    }

    // ---- sessions

    /** The sessions a node currently counts as live. */
    public List<SessionRow> liveSessions(String node) throws SQLException {
        return sessions("SELECT id, node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, "
                + "bytes_in, bytes_out, ended_at FROM sessions WHERE node = ? AND ended_at IS NULL ORDER BY client_name", node);
    }

    /** Every live session of every node, for status. */
    public List<SessionRow> liveSessions() throws SQLException {
        return sessions("SELECT id, node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, "
                + "bytes_in, bytes_out, ended_at FROM sessions WHERE ended_at IS NULL ORDER BY client_name");
    }

    /** A client's live sessions, on every node (one per node at most, as a rule). */
    public List<SessionRow> liveSessionsOf(String clientName) throws SQLException {
        return sessions("SELECT id, node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, "
                + "bytes_in, bytes_out, ended_at FROM sessions WHERE lower(client_name) = lower(?) AND ended_at IS NULL", clientName);
    }

    /** A client's sessions, newest first. */
    public List<SessionRow> sessionsOf(String clientName, int limit) throws SQLException {
        return sessions("SELECT id, node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, "
                + "bytes_in, bytes_out, ended_at FROM sessions WHERE lower(client_name) = lower(?) "
                + "ORDER BY connected_at DESC LIMIT " + Math.max(1, Math.min(limit, 10_000)), clientName);
    }

    /** Records a session seen now: inserts it, or updates its counters and last_seen. */
    public void upsertSession(SessionRow s) throws SQLException {
        int n = update("UPDATE sessions SET last_seen = ?, bytes_in = ?, bytes_out = ?, virtual_ipv6 = ?, real_address = ? "
                        + "WHERE node = ? AND mgmt_cid = ? AND connected_at = ?",
                s.lastSeen().toEpochMilli(), s.bytesIn(), s.bytesOut(), s.virtualIpv6(), s.realAddress(), s.node(),
                s.managementClientId(), s.connectedAt().toEpochMilli());
        if (n == 0) {
            update("INSERT INTO sessions (node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, "
                            + "bytes_in, bytes_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    s.node(), s.clientName(), s.managementClientId(), s.realAddress(), s.virtualIpv6(),
                    s.connectedAt().toEpochMilli(), s.lastSeen().toEpochMilli(), s.bytesIn(), s.bytesOut());
        }
    }

    /** Ends a session, found by its node, OpenVPN client id and connect time, with the counters and last_seen given. */
    public void endSession(SessionRow s, Instant at) throws SQLException {
        update("UPDATE sessions SET ended_at = ?, last_seen = ?, bytes_in = ?, bytes_out = ? "
                        + "WHERE node = ? AND mgmt_cid = ? AND connected_at = ? AND ended_at IS NULL",
                at.toEpochMilli(), s.lastSeen().toEpochMilli(), s.bytesIn(), s.bytesOut(), s.node(), s.managementClientId(),
                s.connectedAt().toEpochMilli());
    }

    private List<SessionRow> sessions(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i].toString());
            }
            try (ResultSet r = s.executeQuery()) {
                List<SessionRow> out = new ArrayList<>();
                while (r.next()) {
                    out.add(new SessionRow(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5),
                            r.getString(6), instant(r, 7), instant(r, 8), r.getLong(9), r.getLong(10), instant(r, 11)));
                }
                return out;
            }
        }
    }

    /** Takes one session row as a scan reads it. */
    @FunctionalInterface
    public interface SessionSink {
        void session(SessionRow s) throws SQLException;
    }

    /**
     * Every session, live or ended, of every node (or of one client, by name, case-insensitively)
     * that was up at some moment in {@code [from, to)}, handed to {@code sink} as read: a window of
     * the history in constant memory.
     */
    public void sessionsBetween(String clientName, Instant from, Instant to, SessionSink sink) throws SQLException {
        String sql = "SELECT id, node, client_name, mgmt_cid, real_address, virtual_ipv6, connected_at, last_seen, bytes_in, "
                + "bytes_out, ended_at FROM sessions WHERE connected_at < ? AND COALESCE(ended_at, last_seen) >= ?"
                + (clientName == null ? "" : " AND lower(client_name) = lower(?)");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (clientName == null) {
                bind(s, to.toEpochMilli(), from.toEpochMilli());
            } else {
                bind(s, to.toEpochMilli(), from.toEpochMilli(), clientName);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sink.session(new SessionRow(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5),
                            r.getString(6), instant(r, 7), instant(r, 8), r.getLong(9), r.getLong(10), instant(r, 11)));
                }
            }
        }
    }

    // ---- nodes

    /** The endpoints of every tunnel server of this broker, oldest first. */
    public List<String[]> nodes() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT host, port FROM nodes ORDER BY created_at, host, port");
             ResultSet r = s.executeQuery()) {
            List<String[]> out = new ArrayList<>();
            while (r.next()) {
                out.add(new String[] {r.getString(1), Integer.toString(r.getInt(2))});
            }
            return out;
        }
    }

    /** Records a node's endpoint; false when it is recorded already. */
    public boolean addNode(String host, int port, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM nodes WHERE host = ? AND port = ?")) {
            s.setString(1, host);
            s.setInt(2, port);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) > 0) {
                    return false;
                }
            }
        }
        update("INSERT INTO nodes (host, port, created_at) VALUES (?, ?, ?)", host, port, now.toEpochMilli());
        return true;
    }

    // ---- event cursors

    /** The last event id a node has applied; 0 when it has none yet. */
    public long eventCursor(String node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT event_id FROM event_cursors WHERE node = ?")) {
            s.setString(1, node);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    public void setEventCursor(String node, long eventId, Instant now) throws SQLException {
        if (update("UPDATE event_cursors SET event_id = ?, updated_at = ? WHERE node = ?", eventId, now.toEpochMilli(), node) == 0) {
            update("INSERT INTO event_cursors (node, event_id, updated_at) VALUES (?, ?, ?)", node, eventId, now.toEpochMilli());
        }
    }

    /** The newest event id, 0 when there is none. */
    public long lastEventId() throws SQLException {
        return count("SELECT coalesce(max(id), 0) FROM events");
    }

    /** Every node's last applied event id, by node name. */
    public java.util.Map<String, Long> eventCursors() throws SQLException {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT node, event_id FROM event_cursors"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), r.getLong(2));
            }
        }
        return out;
    }

    // ---- certificates by expiry

    /** The soonest not-after of the current certificates of live clients that are not revoked; empty when there is none. */
    public Optional<Instant> soonestClientCertificateEnd() throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT min(x.not_after) FROM clients k JOIN certificates x ON x.serial = k.serial "
                + "WHERE k.deleted_at IS NULL AND k.status <> 'revoked'"); ResultSet r = s.executeQuery()) {
            if (r.next()) {
                long v = r.getLong(1);
                return r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
            }
            return Optional.empty();
        }
    }

    // ---- helpers

    private ClientRow clientRow(ResultSet r) throws SQLException {
        return new ClientRow(r.getLong(1), r.getString(2), ClientKind.parse(r.getString(3)), ClientOs.parse(r.getString(4)),
                r.getString(5), ClientStatus.of(r.getString(6)), r.getLong(7), r.getInt(8), r.getString(9), instant(r, 10),
                instant(r, 11), instant(r, 12));
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private long count(String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private int update(String sql, Object... args) throws SQLException {
        PreparedStatement s = reused(sql);
        bind(s, args);
        return s.executeUpdate();
    }

    /** Binds positional arguments: null, long, int, or anything else as its text. */
    static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (a instanceof Long l) {
                s.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                s.setInt(i + 1, n);
            } else {
                s.setString(i + 1, a.toString());
            }
        }
    }

    /** The statement for {@code sql}, prepared on first use in this transaction and kept until {@link #close}. */
    private PreparedStatement reused(String sql) throws SQLException {
        PreparedStatement s = reused.get(sql);
        if (s == null) {
            s = c.prepareStatement(sql);
            reused.put(sql, s);
        }
        return s;
    }

    /** Closes the statements this transaction kept; called by {@link Store} when its work is done. */
    void close() throws SQLException {
        SQLException failure = null;
        for (PreparedStatement s : reused.values()) {
            try {
                s.close();
            } catch (SQLException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        reused.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Unique-constraint failures become {@link UniqueViolation}; others {@link StoreException}. Told
     * apart by the database's own code, never by the message: PostgreSQL's SQLState 23505 (which our
     * triggers raise too), SQLite's extended result codes for a unique index, a primary key, and our
     * triggers' {@code RAISE(ABORT)} (every trigger of the schema guards a uniqueness, but the audit
     * trail's, which refuse statements v6broker never makes).
     */
    static RuntimeException translate(String what, SQLException e) {
        String msg = String.valueOf(e.getMessage());
        if (isUniqueViolation(e)) {
            return new UniqueViolation(what + ": " + msg, e);
        }
        return new StoreException(what + " failed: " + msg, e);
    }

    private static boolean isUniqueViolation(SQLException e) {
        if (e instanceof org.sqlite.SQLiteException s) {
            return switch (s.getResultCode()) {
                case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_TRIGGER -> true;
                default -> false;
            };
        }
        return "23505".equals(e.getSQLState());
    }

    // ---- access (API tokens, subscription requests, allocation usage): appended for the HTTP API

    /** The token, request and usage operations of this same transaction. */
    public AccessTx access() {
        return new AccessTx(c);
    }
}
