package net.v6broker.broker;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.v6broker.client.ClientStatus;
import net.v6broker.config.BrokerConfig;
import net.v6broker.store.Store;
import net.v6broker.store.Tx.ReclaimCandidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reclaim policy for unused accounts (off by default; docs/decisions.md 29): a client with no
 * session for {@code notifyDays} is noticed (the notice is stored, the API lists it, the
 * operator's hook runs: the e-mail), then suspended and then deleted, its prefix into quarantine,
 * when {@code suspendDays} and {@code deleteDays} have passed since its last session and at least
 * as many days since the notice as lie between the steps. A session after the notice, or an
 * operator's resume, withdraws it. Every step is a change of the {@link Broker} it is given, so
 * each is in the audit trail under that broker's actor (the daemon's). Revoked and deleted clients
 * are left alone; so are clients with traffic.
 *
 * <p>Several daemons may run it at once: the notice is one row per client (the first node's
 * stands, and only that node runs the hook), and a step another node took first is skipped.
 */
public final class Reclaim {
    private static final Logger LOG = LoggerFactory.getLogger("v6broker");
    /** How long the hook may run before it is stopped. */
    static final Duration HOOK_TIMEOUT = Duration.ofSeconds(30);

    private final Broker broker;
    private final Store store;
    private final Clock clock;
    private final BrokerConfig.Reclaim policy;

    public Reclaim(Broker broker, Store store, Clock clock, BrokerConfig.Reclaim policy) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public BrokerConfig.Reclaim policy() {
        return policy;
    }

    /** One step taken: {@code notify}, {@code withdraw}, {@code suspend} or {@code delete}. */
    public record Step(String client, String action, String detail) {
    }

    /** A stored notice, as the API shows it: when the client was last active and when the next steps are due. */
    public record Notice(String client, String email, ClientStatus status, Instant lastActivity, Instant notifiedAt,
                         Instant suspendAt, Instant deleteAt) {
    }

    /** The clients noticed now, in name order. */
    public List<Notice> notices() {
        // no client was last active before the epoch: the candidates of that moment are the noticed ones
        return store.read(tx -> tx.reclaimCandidates(Instant.EPOCH)).stream()
                .map(c -> new Notice(c.name(), c.email(), c.status(), c.lastActivity(), c.notifiedAt(), suspendAt(c), deleteAt(c)))
                .toList();
    }

    /** Takes every step that is due now; the steps taken, in client name order. */
    public List<Step> run() {
        if (!policy.on()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<Step> steps = new ArrayList<>();
        for (ReclaimCandidate c : store.read(tx -> tx.reclaimCandidates(now.minus(days(policy.notifyDays()))))) {
            try {
                step(c, now).ifPresent(steps::add);
            } catch (ConflictException | ClientNotFoundException e) {
                LOG.info("reclaim: {} changed meanwhile ({}); left for the next run", c.name(), e.getMessage());
            }
        }
        return steps;
    }

    private Optional<Step> step(ReclaimCandidate c, Instant now) {
        String idle = "no session since " + c.lastActivity().truncatedTo(ChronoUnit.SECONDS) + " ("
                + Duration.between(c.lastActivity(), now).toDays() + " days)";
        if (c.notifiedAt() == null) {
            if (c.status() != ClientStatus.ACTIVE) {
                return Optional.empty(); // suspended by an operator: theirs to decide
            }
            return notice(c, now, idle);
        }
        if (c.lastActivity().isAfter(c.seenAtNotice())) {
            String why = "connected again at " + c.lastActivity().truncatedTo(ChronoUnit.SECONDS);
            return withdraw(c, now, why);
        }
        if (c.status() == ClientStatus.ACTIVE && !now.isBefore(suspendAt(c))) {
            broker.suspend(c.name(), "reclaim: " + idle);
            return Optional.of(new Step(c.name(), "suspend", idle));
        }
        if (c.status() == ClientStatus.SUSPENDED && !now.isBefore(deleteAt(c))) {
            broker.delete(c.name(), "reclaim: " + idle);
            return Optional.of(new Step(c.name(), "delete", idle));
        }
        return Optional.empty();
    }

    private Optional<Step> notice(ReclaimCandidate c, Instant now, String idle) {
        String detail = idle + "; suspended from " + suspendAt(c.lastActivity(), now) + ", deleted from "
                + deleteAt(c.lastActivity(), now);
        boolean mine = broker.commit((tx, r) -> {
            if (!tx.insertReclaimNotice(c.clientId(), r.now, c.lastActivity())) {
                return false;
            }
            r.audit("reclaim-notify", c.clientId(), c.name(), detail, Optional.empty(), Optional.empty());
            return true;
        }).value();
        if (!mine) {
            return Optional.empty();
        }
        runHook(c, now);
        return Optional.of(new Step(c.name(), "notify", detail));
    }

    private Optional<Step> withdraw(ReclaimCandidate c, Instant now, String why) {
        boolean done = broker.commit((tx, r) -> {
            if (!tx.deleteReclaimNotice(c.clientId())) {
                return false;
            }
            r.audit("reclaim-withdraw", c.clientId(), c.name(), why, Optional.empty(), Optional.empty());
            return true;
        }).value();
        return done ? Optional.of(new Step(c.name(), "withdraw", why)) : Optional.empty();
    }

    private Instant suspendAt(ReclaimCandidate c) {
        return suspendAt(c.lastActivity(), c.notifiedAt());
    }

    private Instant deleteAt(ReclaimCandidate c) {
        return deleteAt(c.lastActivity(), c.notifiedAt());
    }

    /** When a client last active then and noticed then is suspended: both rules' later moment. */
    private Instant suspendAt(Instant lastActivity, Instant notifiedAt) {
        return later(lastActivity.plus(days(policy.suspendDays())), notifiedAt.plus(days(policy.suspendDays() - policy.notifyDays())));
    }

    private Instant deleteAt(Instant lastActivity, Instant notifiedAt) {
        return later(lastActivity.plus(days(policy.deleteDays())), notifiedAt.plus(days(policy.deleteDays() - policy.notifyDays())));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration days(int n) {
        return Duration.ofDays(n);
    }

    /**
     * Runs the operator's hook for a notice: {@code HOOK NAME EMAIL LAST_ACTIVE SUSPEND_AT DELETE_AT}
     * (the e-mail address "-" when there is none). Its failure is logged; the notice stands.
     */
    private void runHook(ReclaimCandidate c, Instant now) {
        if (policy.hook() == null) {
            return;
        }
        List<String> command = List.of(policy.hook(), c.name(), c.email() == null ? "-" : c.email(),
                c.lastActivity().toString(), suspendAt(c.lastActivity(), now).toString(), deleteAt(c.lastActivity(), now).toString());
        try {
            // its output goes where the daemon's does, into the log
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().close();
            if (!p.waitFor(HOOK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.warn("reclaim: hook {} for {} ran longer than {} s and was stopped", policy.hook(), c.name(),
                        HOOK_TIMEOUT.toSeconds());
                return;
            }
            if (p.exitValue() != 0) {
                LOG.warn("reclaim: hook {} for {} exited {}", policy.hook(), c.name(), p.exitValue());
            }
        } catch (IOException e) {
            LOG.warn("reclaim: hook {} for {} could not run: {}", policy.hook(), c.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
