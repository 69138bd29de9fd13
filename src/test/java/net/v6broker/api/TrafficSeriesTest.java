package net.v6broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import net.v6broker.CliRunner;
import net.v6broker.store.SessionRow;
import org.junit.jupiter.api.Test;
import org.xml.sax.InputSource;

/**
 * Traffic series from the session history, as the API serves them and the web UI draws them: a
 * session's bytes spread over the hours it was up, the sessions counted in each hour, the top
 * clients of the month, and the SVG well-formed with a bar per step.
 */
class TrafficSeriesTest extends WithApiServer {
    private void session(String client, long id, Instant from, Instant to, long in, long out) {
        api.services.store().inTransaction(tx -> {
            tx.upsertSession(new SessionRow(0, "n1", client, id, "198.51.100.20:1194", null, from, to, in, out, to));
            return null;
        });
    }

    @Test
    void aSessionsBytesAreSpreadOverTheHoursItWasUp() {
        CliRunner.ok("client", "add", "alice", "--type", "hermit", "--home", home.toString());
        CliRunner.ok("client", "add", "bob", "--type", "hermit", "--home", home.toString());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        // alice: two hours ago for exactly two hours, 7,200 bytes in and 3,600 out: half in each hour
        session("alice", 1, hour.minus(Duration.ofHours(2)), hour, 7_200, 3_600);
        // bob: inside the last full hour, 1,000 in
        session("bob", 2, hour.minus(Duration.ofMinutes(30)), hour.minus(Duration.ofMinutes(10)), 1_000, 0);
        JsonNode alice = api.get("/api/v1/traffic?client=ALICE&period=day", ops).json();
        assertThat(alice.path("client").asText()).isEqualTo("alice");
        JsonNode items = alice.path("items");
        assertThat(items).hasSize(24);
        // the last bucket is the current hour; the two before it carry alice's session
        assertThat(items.get(21).path("bytesIn").asLong()).isEqualTo(3_600);
        assertThat(items.get(22).path("bytesIn").asLong()).isEqualTo(3_600);
        assertThat(items.get(22).path("bytesOut").asLong()).isEqualTo(1_800);
        assertThat(items.get(21).path("sessions").asInt()).isEqualTo(1);
        assertThat(items.get(20).path("sessions").asInt()).isZero();
        JsonNode broker = api.get("/api/v1/traffic", ops).json().path("items");
        assertThat(broker.get(22).path("bytesIn").asLong()).isEqualTo(4_600);
        assertThat(broker.get(22).path("sessions").asInt()).isEqualTo(2);
        long total = 0;
        for (JsonNode b : broker) {
            total += b.path("bytesIn").asLong();
        }
        assertThat(total).as("every byte in exactly one hour").isEqualTo(8_200);
        JsonNode month = api.get("/api/v1/traffic?period=month", ops).json().path("items");
        assertThat(month).hasSize(30);
        JsonNode top = api.get("/api/v1/traffic/top?period=month", ops).json().path("items");
        assertThat(top).extracting(n -> n.path("client").asText()).containsExactly("alice", "bob");
        assertThat(api.get("/api/v1/traffic?period=year", ops).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/traffic?client=nobody", ops).status()).isEqualTo(404);
    }

    @Test
    void theWebPagesDrawTheSeriesAsWellFormedSvg() throws Exception {
        CliRunner.ok("client", "add", "alice", "--type", "hermit", "--home", home.toString());
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        session("alice", 1, hour.minus(Duration.ofHours(3)), hour.minus(Duration.ofHours(1)), 50_000, 20_000);
        String session = api.login(ops);
        for (String path : List.of("/admin/clients/alice", "/admin")) {
            String page = api.page(session, path);
            Matcher svg = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(page);
            assertThat(svg.find()).as(path).isTrue();
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg.group())));
            assertThat(doc.getElementsByTagName("g").getLength()).as("a bar per hour").isEqualTo(24);
            assertThat(svg.group()).doesNotContain("style=", "<script");
        }
        String dashboard = api.page(session, "/admin");
        assertThat(dashboard).contains("id=\"top-clients\"", "href=\"/admin/clients/alice\"");
    }
}
