package net.v6broker.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.home.HomeSetup;
import net.v6broker.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database made before prefix sizes has no pools and no free intervals: its first command records
 * the plan it always had, with the free indices the ones no client holds, and every client keeps
 * its number.
 */
class PlanAdoptionTest {
    @TempDir
    Path dir;

    @Test
    void aHomeMadeBeforeSizesGetsItsPlanAndItsHolesAsFreeIntervals() throws Exception {
        List<String> before = new ArrayList<>();
        try (TestBroker t = new TestBroker(dir, "2001:db8:abba:f100::/56", 30)) {
            for (int i = 1; i <= 5; i++) {
                t.broker.add(new NewClient("s" + i, ClientKind.SUBNET, ClientOs.LINUX, null));
            }
            t.broker.add(new NewClient("h1", ClientKind.HERMIT, ClientOs.LINUX, null));
            t.broker.delete("s2");
            t.broker.walk(net.v6broker.store.ClientQuery.ALL).forEach(c -> before.add(c.name() + " " + c.assignment().prefix()));
        }
        Path db = dir.resolve("home/broker.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            // as version 8 left it: no pools, and s2's quarantine ended (its row gone, as endQuarantines did)
            s.executeUpdate("DELETE FROM pools");
            s.executeUpdate("DELETE FROM allocation_free");
            s.executeUpdate("DELETE FROM allocations WHERE pool = 'subnet' AND pool_index = 2");
        }
        try (TestBroker t = TestBroker.reopen(dir, "2001:db8:abba:f100::/56", 30)) {
            assertThat(free(db)).containsExactly("hermit 257.." + Long.MAX_VALUE, "subnet 2..2", "subnet 6..254");
            List<String> after = new ArrayList<>();
            t.broker.walk(net.v6broker.store.ClientQuery.ALL).forEach(c -> after.add(c.name() + " " + c.assignment().prefix()));
            assertThat(after).isEqualTo(before);
            assertThat(t.broker.add(new NewClient("n1", ClientKind.SUBNET, ClientOs.LINUX, null)).value().assignment().prefix())
                    .hasToString("2001:db8:abba:f102::/64");
            assertThat(t.broker.add(new NewClient("n2", ClientKind.SUBNET, ClientOs.LINUX, null)).value().assignment().prefix())
                    .hasToString("2001:db8:abba:f106::/64");
            assertThat(t.broker.add(new NewClient("h2", ClientKind.HERMIT, ClientOs.LINUX, null)).value().assignment().prefix())
                    .hasToString("2001:db8:abba:f1ff::101/128");
        }
    }

    private static List<String> free(Path db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pool, lo, hi FROM allocation_free ORDER BY pool, lo")) {
            while (r.next()) {
                out.add(r.getString(1) + " " + r.getLong(2) + ".." + r.getLong(3));
            }
        }
        return out;
    }
}
