package net.v6broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import net.v6broker.CliRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefix sizes over the API, on a broker of a /40 (regions of /64s, /56s and /48s): an operator
 * adds a subnet of a size, a subscriber asks for one, and the operator approves what was asked or
 * grants another size; sizes the plan does not offer are refused and change nothing.
 */
class SubscriptionSizesApiTest {
    @TempDir
    Path dir;
    ApiServer api;
    String ops;

    @BeforeEach
    void start() {
        Path home = CliRunner.init(dir.resolve("home"), "2001:db8:ab00::/40", "vpn.example.net");
        ops = ApiServer.operatorToken(home, "ops");
        api = new ApiServer(home, new Limits(16 * 1024, 1000, 1000, Duration.ofHours(1), Duration.ofHours(1), 500));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ApiServer.Reply ask(String name, String type, String size) {
        return api.post("/api/v1/subscriptions", null, "{\"name\":\"" + name + "\",\"email\":\"" + name + "@example.net\",\"type\":\""
                + type + "\"" + (size == null ? "" : ",\"size\":" + size) + ",\"reason\":\"a site\"}");
    }

    @Test
    void anOperatorAddsASubnetOfASizeTheApiShowsItsRealLength() {
        ApiServer.Reply added = api.post("/api/v1/clients", ops, "{\"name\":\"lab\",\"type\":\"subnet\",\"size\":48}");
        assertThat(added.status()).as(added.text()).isEqualTo(201);
        assertThat(added.json().path("prefix").asText()).isEqualTo("2001:db8:abc0::/48");
        ApiServer.Reply refused = api.post("/api/v1/clients", ops, "{\"name\":\"lab2\",\"type\":\"subnet\",\"size\":60}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).contains("offers subnets of /64, /56, /48, not /60");
        assertThat(api.get("/api/v1/clients/lab2", ops).status()).isEqualTo(404);
        JsonNode plan = api.get("/api/v1/plan", ops).json();
        assertThat(plan.path("regions").get(2).path("size").asInt()).isEqualTo(48);
        assertThat(plan.path("regions").get(2).path("used").asInt()).isEqualTo(1);
    }

    @Test
    void aSubscriberAsksForASlash56AndIsGrantedItOrTheSizeTheOperatorChooses() {
        String asIs = ask("branch", "subnet", "56").json().path("token").asText();
        String changed = ask("campus", "subnet", "56").json().path("token").asText();
        JsonNode pending = api.get("/api/v1/subscriptions?status=pending", ops).json().path("items");
        assertThat(pending.get(0).path("size").asInt()).isEqualTo(56);
        assertThat(api.get("/api/v1/me", asIs).json().path("request").path("size").asInt()).isEqualTo(56);

        ApiServer.Reply granted = api.post("/api/v1/subscriptions/1/approve", ops, null);
        assertThat(granted.status()).as(granted.text()).isEqualTo(200);
        assertThat(granted.json().path("clientDetail").path("prefix").asText()).isEqualTo("2001:db8:ab80::/56");
        ApiServer.Reply other = api.post("/api/v1/subscriptions/2/approve", ops, "{\"size\":48}");
        assertThat(other.status()).as(other.text()).isEqualTo(200);
        assertThat(other.json().path("size").asInt()).isEqualTo(56); // what was asked stays on the request
        assertThat(other.json().path("clientDetail").path("prefix").asText()).isEqualTo("2001:db8:abc0::/48");
        JsonNode tunnel = api.get("/api/v1/me", changed).json().path("tunnel");
        assertThat(tunnel.path("size").asInt()).isEqualTo(48);
        assertThat(tunnel.path("prefix").asText()).isEqualTo("2001:db8:abc0::/48");
        assertThat(api.get("/api/v1/me", asIs).json().path("tunnel").path("size").asInt()).isEqualTo(56);
    }

    @Test
    void sizesThePlanDoesNotOfferAreRefusedAndChangeNothing() {
        ApiServer.Reply sixty = ask("a", "subnet", "60");
        assertThat(sixty.status()).isEqualTo(400);
        assertThat(sixty.json().path("message").asText()).contains("offers subnets of /64, /56, /48, not /60");
        ApiServer.Reply hermit = ask("b", "hermit", "56");
        assertThat(hermit.status()).isEqualTo(400);
        assertThat(hermit.json().path("message").asText()).contains("a hermit has one address (/128)");
        ApiServer.Reply word = ask("c", "subnet", "\"big\"");
        assertThat(word.status()).isEqualTo(400);
        assertThat(word.json().path("message").asText()).contains("'size' must be an integer");
        assertThat(api.get("/api/v1/subscriptions", ops).json().path("total").asInt()).isZero();

        ask("d", "subnet", null);
        assertThat(api.get("/api/v1/subscriptions/1", ops).json().path("size").asInt()).isEqualTo(64);
        ApiServer.Reply badGrant = api.post("/api/v1/subscriptions/1/approve", ops, "{\"size\":60}");
        assertThat(badGrant.status()).isEqualTo(400);
        ApiServer.Reply unknownField = api.post("/api/v1/subscriptions/1/approve", ops, "{\"prefix\":\"2001:db8::/48\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/subscriptions/1", ops).json().path("status").asText()).isEqualTo("pending");
        assertThat(api.get("/api/v1/clients", ops).json().path("total").asInt()).isZero();
    }
}
