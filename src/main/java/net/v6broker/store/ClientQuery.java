package net.v6broker.store;

import java.util.Locale;
import java.util.Objects;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;

/**
 * Which live clients a listing wants, answered by the database from its indices ({@link Tx#clients},
 * {@link Tx#countClients(ClientQuery)}): a state, a kind, the start of the name or of the e-mail
 * address (case-insensitive), the holder of one pool index, and a keyset cursor ({@code after}: only
 * names that sort after it). Results come in name order, lower-cased and compared byte by byte, on
 * SQLite and PostgreSQL alike. Null means "any". Immutable.
 */
public record ClientQuery(ClientStatus status, ClientKind type, String nameStart, String emailStart, Holder holder,
                          String after) {
    /** Every live client. */
    public static final ClientQuery ALL = new ClientQuery(null, null, null, null, null, null);

    /** The client whose address or prefix is index {@code index} of the pool of {@code pool} and {@code size} (128: hermits). */
    public record Holder(ClientKind pool, int size, long index) {
        public Holder {
            Objects.requireNonNull(pool, "pool");
        }
    }

    public ClientQuery {
        nameStart = lower(nameStart);
        emailStart = lower(emailStart);
        after = lower(after);
    }

    public ClientQuery withStatus(ClientStatus s) {
        return new ClientQuery(s, type, nameStart, emailStart, holder, after);
    }

    public ClientQuery withType(ClientKind t) {
        return new ClientQuery(status, t, nameStart, emailStart, holder, after);
    }

    /** The same query, continued after the client named {@code name}. */
    public ClientQuery after(String name) {
        return new ClientQuery(status, type, nameStart, emailStart, holder, name);
    }

    private static String lower(String s) {
        return s == null || s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
    }
}
