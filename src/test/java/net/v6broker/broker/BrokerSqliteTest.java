package net.v6broker.broker;

import java.nio.file.Path;

/** The broker's guarantees on the embedded SQLite database. */
class BrokerSqliteTest extends BrokerTest {
    @Override
    TestBroker open(Path dir, String prefix, int quarantineDays) {
        return new TestBroker(dir, prefix, quarantineDays);
    }
}
