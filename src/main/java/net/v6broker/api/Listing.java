package net.v6broker.api;

import net.v6broker.error.InvalidInputException;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import net.v6broker.broker.Client;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientStatus;

/**
 * One page of the client list, filtered: {@code q} matches name, e-mail or prefix (substring,
 * case-insensitive), {@code status} and {@code type} exactly. Every value is checked; a bad one is
 * an {@link IllegalArgumentException} (400). Immutable.
 */
public record Listing(String q, ClientStatus status, ClientKind type, int offset, int limit) {
    public static final int DEFAULT_LIMIT = 50;

    public static Listing parse(String q, String status, String type, String offset, String limit, int max) {
        if (q != null && (q.length() > 64 || q.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f))) {
            throw new InvalidInputException("q: accepted up to 64 printable characters");
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
        return new Listing(q == null || q.isBlank() ? null : q.strip(), st, t, integer("offset", offset, 0, 0, Integer.MAX_VALUE),
                integer("limit", limit, DEFAULT_LIMIT, 1, max));
    }

    /** A page of a listing. */
    public record Page<T>(long total, int offset, int limit, List<T> items) {
    }

    public Page<Client> apply(List<Client> all) {
        String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
        Predicate<Client> keep = c -> (status == null || c.status() == status) && (type == null || c.type() == type)
                && (needle == null || c.name().toLowerCase(Locale.ROOT).contains(needle)
                || (c.email() != null && c.email().toLowerCase(Locale.ROOT).contains(needle))
                || c.assignment().prefix().toString().contains(needle));
        List<Client> matching = all.stream().filter(keep).toList();
        int from = Math.min(offset, matching.size());
        int to = (int) Math.min((long) from + limit, matching.size());
        return new Page<>(matching.size(), offset, limit, matching.subList(from, to));
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
