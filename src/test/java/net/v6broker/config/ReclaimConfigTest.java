package net.v6broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.v6broker.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** The reclaim policy in config.json: off unless set, written back as read, refused when its days are out of order. */
class ReclaimConfigTest {
    private static BrokerConfig read(String clients) {
        return ConfigJson.read(("{\"prefix\":\"2001:db8:ab00::/48\",\"endpoint\":{\"host\":\"vpn.example.net\",\"port\":1194},\"clients\":{"
                + clients + "}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void isOffByDefaultAndRoundTrips() {
        assertThat(read("\"quarantineDays\":30").clients().reclaim().on()).isFalse();
        BrokerConfig on = read("\"reclaimNotifyDays\":90,\"reclaimSuspendDays\":104,\"reclaimDeleteDays\":120,"
                + "\"reclaimHook\":\"/usr/local/bin/v6broker-notice\"");
        assertThat(on.clients().reclaim()).isEqualTo(new BrokerConfig.Reclaim(90, 104, 120, "/usr/local/bin/v6broker-notice"));
        assertThat(ConfigJson.read(ConfigJson.write(on).getBytes(StandardCharsets.UTF_8)).clients().reclaim())
                .isEqualTo(on.clients().reclaim());
    }

    @Test
    void refusesDaysOutOfOrderAndAHookThatIsNoPlainAbsolutePath() {
        assertThatThrownBy(() -> read("\"reclaimNotifyDays\":90,\"reclaimSuspendDays\":80,\"reclaimDeleteDays\":120"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("reclaimNotifyDays < clients.reclaimSuspendDays");
        assertThatThrownBy(() -> read("\"reclaimNotifyDays\":90"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("for example 90, 104, 120");
        assertThatThrownBy(() -> read("\"reclaimNotifyDays\":90,\"reclaimSuspendDays\":104,\"reclaimDeleteDays\":120,"
                + "\"reclaimHook\":\"notify.sh; rm -rf /\"")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("accepted an absolute path");
    }
}
