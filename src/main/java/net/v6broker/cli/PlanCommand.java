package net.v6broker.cli;

import java.util.Optional;
import net.v6broker.api.PlanUsage;
import net.v6broker.broker.Audit;
import net.v6broker.broker.NewClient;
import net.v6broker.config.Home;
import net.v6broker.ipam.AddressPlan;
import net.v6broker.ipam.Ipv6Prefix;
import net.v6broker.ipam.Region;
import net.v6broker.store.EventKind;

/** {@code plan}: the address plan and its use; {@code plan add-region}: a region for one more size. */
final class PlanCommand {
    private PlanCommand() {
    }

    static Spec spec(Context c) {
        return Spec.group("plan", "The address plan: the transfer /64, the hermit /64 and a region per subnet size.")
                .sub(show(c)).sub(addRegion(c));
    }

    private static Spec show(Context c) {
        return Spec.command("show", a -> {
            PlanUsage u = PlanUsage.of(c.broker().plan(), c.store(), c.clock.instant());
            if (a.flag("--json")) {
                c.out.print(Home.toJson(u.json()));
                return Cli.OK;
            }
            print(c, u);
            return Cli.OK;
        }, "Print the plan: its regions, each with its blocks in use, in quarantine and free.")
                .flag("--json", "Print it as JSON (as GET /api/v1/plan).");
    }

    static void print(Context c, PlanUsage u) {
        AddressPlan plan = u.plan();
        c.out.printf("prefix    %s (%d /64s)%n", plan.prefix(), plan.slash64Count());
        if (!plan.hermitOnly()) {
            c.out.printf("transfer  %s%n", plan.transferNetwork());
        }
        c.out.printf("hermits   %s: %d in use, %d in quarantine%n", plan.hermitNetwork(), u.hermitsUsed(), u.hermitsQuarantined());
        for (Region r : plan.regions()) {
            long[] n = u.byPool().getOrDefault(r.pool(), new long[2]);
            c.out.printf("/%-2d       %s .. %s: %d blocks, %d in use, %d in quarantine, %d free%n", r.size(),
                    r.block(plan.prefix(), r.first()), r.block(plan.prefix(), r.last()), r.capacity(), n[0], n[1],
                    r.capacity() - n[0] - n[1]);
        }
    }

    private static Spec addRegion(Context c) {
        return Spec.command("add-region", a -> {
            int size = NewClient.parseSize(a.value("--size"));
            String first = a.value("--first");
            String last = a.value("--last");
            AddressPlan now = c.broker().plan();
            AddressPlan next = now.withRegion(size, first == null ? null : now.blockIndex(size, Ipv6Prefix.parse(first)),
                    last == null ? null : now.blockIndex(size, Ipv6Prefix.parse(last)));
            Region added = next.requireRegion(size);
            c.store().inTransaction(tx -> {
                // read again inside the transaction: a region another node added since is checked too
                now.withRegions(tx.regions()).withRegion(size, added.first(), added.last());
                tx.recordPool(added.pool(), size, added.first(), added.last(), c.clock.instant());
                tx.appendEvent(c.clock.instant(), EventKind.REGION_ADD, null, null, "region " + added.describe(next.prefix()));
                tx.appendAudit(Audit.row(c.broker().actor(), c.clock.instant(), EventKind.REGION_ADD.dbName(), null, null,
                        "region " + added.describe(next.prefix()), Optional.empty(), Optional.empty()));
                return null;
            });
            c.out.printf("added %s: %d blocks%n", added.describe(next.prefix()), added.capacity());
            return Cli.OK;
        }, "Add a region of subnet blocks of one more size to free space of the prefix; nobody is renumbered.")
                .required("--size", "64|60|56|48", "The size of its blocks (one the plan does not offer yet).")
                .option("--first", "PREFIX", null, "Its first block (default: the largest free stretch of the prefix).")
                .option("--last", "PREFIX", null, "Its last block.");
    }

}
