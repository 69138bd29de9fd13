package net.v6broker.cli;

import java.time.Instant;
import java.util.List;
import net.v6broker.api.AuditView;
import net.v6broker.config.Home;
import net.v6broker.config.Validation;
import net.v6broker.store.AuditRow;

/** {@code audit}: the audit trail, oldest first, read a page at a time so that any length prints in constant memory. */
final class AuditCommand {
    static final int PAGE = 1000;

    private AuditCommand() {
    }

    static Spec spec(Context c) {
        return Spec.command("audit", a -> {
            String client = a.value("--client") == null ? null : Validation.name(a.value("--client"));
            Instant since = a.value("--since") == null ? null : AuditView.since(a.value("--since"), c.clock);
            Iterable<AuditRow> rows = () -> new java.util.Iterator<>() {
                private List<AuditRow> page = AuditView.rows(c.store(), client, since, 0, PAGE);
                private int next;

                @Override
                public boolean hasNext() {
                    if (next == page.size() && page.size() == PAGE) {
                        page = AuditView.rows(c.store(), client, since, page.get(PAGE - 1).id(), PAGE);
                        next = 0;
                    }
                    return next < page.size();
                }

                @Override
                public AuditRow next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return page.get(next++);
                }
            };
            if (a.flag("--json")) {
                Home.printJsonArray(c.out, rows, AuditView::json);
                return Cli.OK;
            }
            c.out.println(AuditView.HEADER);
            for (AuditRow r : rows) {
                c.out.println(AuditView.line(r));
            }
            return Cli.OK;
        }, "Print the audit trail: who changed what, from where, when, oldest first.",
                "Every change is recorded in its own transaction: by the command line's OS user, an API token, a web",
                "operator, a subscriber or the daemon. The database refuses to change or delete a row.")
                .option("--client", "NAME", null, "Only the rows of this client (and of earlier clients of its name).")
                .option("--since", "WHEN", null, "From an instant (2026-12-03T10:00:00Z), a day (2026-12-03) or a time ago (7d, 24h, 90m).")
                .flag("--json", "Print a JSON array (the API's form, GET /api/v1/audit).");
    }
}
