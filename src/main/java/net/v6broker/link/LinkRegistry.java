package net.v6broker.link;

import net.v6broker.store.EventKind;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Allocator;
import net.v6broker.ipam.Region;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.client.ClientKind;
import net.v6broker.store.ClientQuery;
import net.v6broker.store.ClientRow;
import net.v6broker.store.LinkRow;
import net.v6broker.store.Store;
import net.v6broker.store.Tx;
import net.v6broker.store.UniqueViolation;

/**
 * The links a broker knows, in its database: a link's /64 comes from the broker's subnet pool
 * (lowest free first, like a client's) unless one is given, and is then taken exactly like a
 * client's — the allocator of clients skips it, and the database refuses a client and a link on
 * one index (schema version 3). A given /64 inside the broker's prefix must be a free subnet /64;
 * one outside it is only recorded, so that two links never share it.
 *
 * <p>Thread-safe: it holds no mutable state; the database serialises writers.
 */
public final class LinkRegistry {
    private static final int MAX_ATTEMPTS = 5;
    private final Store store;
    private final AddressPlan plan;
    private final Clock clock;
    private final Duration quarantine;

    public LinkRegistry(Store store, AddressPlan plan, Clock clock, Duration quarantine) {
        this.store = Objects.requireNonNull(store, "store");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
    }

    /**
     * Records the link and returns it with its /64: the given one, checked, or the lowest free one
     * of the subnet pool. The network behind the laptop must lie outside the broker's prefix,
     * where no client prefix can ever be handed out inside it.
     */
    public LinkSpec reserve(LinkSpec spec) {
        if (spec.behind() != null && spec.behind().overlaps(plan.prefix())) {
            throw new LinkConflictException("--behind " + spec.behind() + " overlaps the broker's prefix " + plan.prefix()
                    + ", whose /64s go to clients: the network behind a link must lie outside it");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return store.inTransaction(tx -> reserveIn(tx, spec, now()));
            } catch (UniqueViolation e) {
                // another writer took the name or the index between our read and our write
                if (attempt == MAX_ATTEMPTS) {
                    throw new LinkConflictException("link '" + spec.name() + "': " + e.getMessage());
                }
            }
        }
    }

    private LinkSpec reserveIn(Tx tx, LinkSpec spec, Instant now) throws SQLException {
        Optional<LinkRow> existing = tx.link(spec.name());
        if (existing.isPresent()) {
            throw new LinkConflictException("a link named '" + existing.get().name() + "' exists already ("
                    + existing.get().prefix() + "; names are compared case-insensitively)");
        }
        Ipv6Prefix prefix = spec.prefix();
        Long index;
        AddressPlan stored = plan.withRegions(tx.regions());
        if (prefix == null) {
            Allocator allocator = new Allocator(stored, stored.requireRegion(64), tx.free("subnet", now));
            var a = allocator.next();
            prefix = a.prefix();
            index = a.index();
        } else if (plan.prefix().overlaps(prefix)) {
            index = subnetIndex(stored, prefix);
            tx.endQuarantines("subnet", now);
            if (!tx.take("subnet", index)) {
                throw new LinkConflictException("--prefix " + prefix + " is " + holder(tx, index, now)
                        + ": a link needs a free /64 (leave --prefix out to get the lowest free one)");
            }
        } else {
            index = null;
            for (LinkRow l : tx.links()) {
                if (Ipv6Prefix.parse(l.prefix()).overlaps(prefix)) {
                    throw new LinkConflictException("--prefix " + prefix + " is held by link '" + l.name() + "'");
                }
            }
        }
        LinkSpec resolved = spec.withPrefix(prefix);
        tx.insertLink(resolved.name(), prefix.toString(), index, resolved.device().cliName(), resolved.gateway(), now);
        net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), now, EventKind.LINK_CREATE, "link " + resolved.name() + " " + prefix);
        return resolved;
    }

    /** The index of a /64 of the plan's /64 region; refuses the transfer and hermit /64s and the larger sizes' regions. */
    private static long subnetIndex(AddressPlan stored, Ipv6Prefix prefix) {
        if (!stored.prefix().contains(prefix)) {
            throw new LinkConflictException("--prefix " + prefix + " straddles the broker's prefix " + stored.prefix());
        }
        long index = stored.indexOf(ClientKind.SUBNET, prefix);
        if (index == 0 || index == stored.slash64Count() - 1) {
            throw new LinkConflictException("--prefix " + prefix + " is the broker's " + (index == 0 ? "transfer" : "hermit")
                    + " /64 (" + (index == 0 ? stored.transferNetwork() : stored.hermitNetwork()) + "), not a subnet /64");
        }
        Region slash64s = stored.requireRegion(64);
        if (index < slash64s.first() || index > slash64s.last()) {
            throw new LinkConflictException("--prefix " + prefix + " lies outside " + slash64s.describe(stored.prefix())
                    + ", where a link's /64 comes from");
        }
        return index;
    }

    /** Who holds a taken subnet index, for the message. */
    private String holder(Tx tx, long index, Instant now) throws SQLException {
        List<ClientRow> client = tx.clients(new ClientQuery(null, null, null, null, new ClientQuery.Holder(ClientKind.SUBNET, 64, index),
                null), 0, 1);
        if (!client.isEmpty()) {
            return "the prefix of client '" + client.get(0).name() + "'";
        }
        for (LinkRow l : tx.links()) {
            if (l.poolIndex() != null && l.poolIndex() == index) {
                return "held by link '" + l.name() + "'";
            }
        }
        return "in quarantine (a deleted client's or link's, reusable after clients.quarantineDays)";
    }

    /** Every live link, by name. */
    public List<LinkRow> list() {
        return store.read(Tx::links);
    }

    /** Removes a link; its /64 stays out of use for the quarantine, as a deleted client's does. */
    public LinkRow delete(String name) {
        return store.inTransaction(tx -> {
            Instant now = now();
            LinkRow l = tx.link(name).orElseThrow(() -> new LinkNotFoundException(name));
            Instant reusable = now.plus(quarantine);
            tx.deleteLink(l.id(), now, reusable);
            net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), now, EventKind.LINK_DELETE, "link " + l.name() + " " + l.prefix() + " quarantined until " + reusable);
            return l;
        });
    }

    /**
     * Takes back a reservation whose folder could not be written: the link is removed and its /64
     * is free at once (it never left this machine, so it needs no quarantine).
     */
    public void cancel(String name) {
        store.inTransaction(tx -> {
            Instant now = now();
            LinkRow l = tx.link(name).orElseThrow(() -> new LinkNotFoundException(name));
            tx.deleteLink(l.id(), now, now);
            net.v6broker.broker.Audit.event(tx, net.v6broker.broker.Actor.commandLine(), now, EventKind.LINK_CANCEL, "link " + l.name() + " " + l.prefix() + " not written: freed");
            return null;
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
