package net.v6broker.api;

import net.v6broker.error.InvalidInputException;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.v6broker.broker.Broker;
import net.v6broker.broker.Client;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.store.ClientQuery;

/**
 * One page of the client list, filtered by the database ({@link ClientQuery}): {@code q} is the start
 * of a name ({@code ali} finds alice; letters, digits, '.', '_', '-'), the start of an e-mail address
 * (it has an '@': {@code bob@} finds bob@example.org), or an IPv6 address or prefix (it has a ':'):
 * the client whose /128, /64 or transfer /112 holds it; case-insensitive. {@code status} and
 * {@code type} match exactly. Every value is checked; a bad one is an
 * {@link InvalidInputException} (400). Immutable.
 */
public record Listing(String q, ClientStatus status, ClientKind type, int offset, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    static final String Q_ACCEPTED = "accepted the start of a name (letters, digits, '.', '_', '-'), the start of an e-mail "
            + "address (with '@'), or an IPv6 address or prefix (with ':'), up to 64 characters";
    private static final Pattern NAME_START = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern EMAIL_START = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]{1,64}");

    public static Listing parse(String q, String status, String type, String offset, String limit, int max) {
        String needle = q == null || q.isBlank() ? null : q.strip();
        if (needle != null && !(needle.contains(":") ? needle.length() <= 64
                : needle.contains("@") ? EMAIL_START.matcher(needle).matches() : NAME_START.matcher(needle).matches())) {
            throw new InvalidInputException("q " + net.v6broker.config.Validation.quote(needle) + ": " + Q_ACCEPTED);
        }
        ClientStatus st = null;
        if (status != null && !status.isEmpty()) {
            st = switch (status) {
                case "active" -> ClientStatus.ACTIVE;
                case "suspended" -> ClientStatus.SUSPENDED;
                case "revoked" -> ClientStatus.REVOKED;
                default -> throw new InvalidInputException("status " + net.v6broker.config.Validation.quote(status)
                        + ": accepted active, suspended, revoked");
            };
        }
        ClientKind t = type == null || type.isEmpty() ? null : ClientKind.parse(type);
        return new Listing(needle, st, t, integer("offset", offset, 0, 0, Integer.MAX_VALUE),
                integer("limit", limit, DEFAULT_LIMIT, 1, max));
    }

    /** A page of a listing. */
    public record Page<T>(long total, int offset, int limit, List<T> items) {
    }

    /**
     * The database query of this listing; empty when {@code q} is an address that no client can hold
     * (outside the broker's prefix, a server's own): then nothing matches.
     */
    public Optional<ClientQuery> query(AddressPlan plan) {
        ClientQuery all = new ClientQuery(status, type, null, null, null, null);
        if (q == null) {
            return Optional.of(all);
        }
        if (q.contains(":")) {
            int slash = q.indexOf('/');
            BigInteger address = Ipv6Prefix.parse((slash < 0 ? q : q.substring(0, slash)) + "/128").network();
            return plan.assignmentHolding(address).map(h -> new ClientQuery(status, type, null, null,
                    new ClientQuery.Holder(h.pool(), h.size(), h.index()), null));
        }
        return Optional.of(q.contains("@") ? new ClientQuery(status, type, null, q, null, null)
                : new ClientQuery(status, type, q, null, null, null));
    }

    /** This listing's page, read from the database. */
    public Page<Client> apply(BrokerOps broker) {
        Broker.Page page = query(broker.plan()).map(cq -> broker.page(cq, offset, limit)).orElse(new Broker.Page(0, List.of()));
        return new Page<>(page.total(), offset, limit, page.items());
    }

    static int integer(String field, String text, int dflt, int min, int max) {
        if (text == null || text.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new InvalidInputException(field + " " + v + " is out of range: accepted " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field + " " + net.v6broker.config.Validation.quote(text)
                    + " is not a whole number: accepted " + min + ".." + max);
        }
    }
}
