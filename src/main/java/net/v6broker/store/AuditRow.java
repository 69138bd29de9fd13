package net.v6broker.store;

import java.time.Instant;

/**
 * One row of the append-only audit trail (migration 13): who changed what, from where, when, and
 * the client's state before and after (JSON objects, null where there was none).
 *
 * @param actorKind {@code cli}, {@code api}, {@code web}, {@code subscriber} or {@code daemon}
 * @param actor     the OS user, the API token's name, the web operator, the subscriber, the node
 * @param origin    where the change came from: a host (and SSH peer), a client address, a node
 * @param action    what was done: an event kind's name ({@code revoke}) or a workflow step
 *                  ({@code subscribe}, {@code approve}, {@code reject}, {@code reclaim-notify})
 */
public record AuditRow(long id, Instant at, String actorKind, String actor, String origin, String action,
                       Long clientId, String clientName, String detail, String before, String after) {
}
