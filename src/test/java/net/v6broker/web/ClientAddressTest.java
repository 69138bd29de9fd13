package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which address a request's failures are counted under, behind a trusted proxy and without one. */
class ClientAddressTest {
    @TempDir
    Path dir;
    ApiServer server;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        Path home = ApiServer.init(dir);
        String config = Files.readString(home.resolve("config.json"));
        Files.writeString(home.resolve("config.json"), config.replace("\"trustedProxies\" : [ ]", "\"trustedProxies\" : [ \"127.0.0.1\" ]"));
        server = new ApiServer(home, new Limits(16 * 1024, 100, 2, Duration.ofHours(1), Duration.ofHours(1), 500));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A bad body to a public endpoint, as forwarded by the proxy with these X-Forwarded-For lines. */
    private int badBody(String... forwardedFor) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/subscriptions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{bad"));
        for (String line : forwardedFor) {
            b.header("X-Forwarded-For", line);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theRightMostUntrustedHopOfEveryForwardedForLineIsTheClient() throws Exception {
        // regression: only the first X-Forwarded-For line was read; a proxy that appends its own line
        // after the client's let the client pick the address its failures are counted under
        assertThat(badBody("198.51.100.1", "203.0.113.9")).isEqualTo(400);
        assertThat(badBody("198.51.100.2", "203.0.113.9")).isEqualTo(400);
        assertThat(badBody("198.51.100.3", "203.0.113.9")).as("203.0.113.9 used up its two failures").isEqualTo(429);
        assertThat(badBody("203.0.113.10")).as("another client is not affected").isEqualTo(400);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        // regression: one subscriber holds a /64 and could rotate through 2^64 addresses
        assertThat(badBody("2001:db8:1:2::1")).isEqualTo(400);
        assertThat(badBody("2001:db8:1:2::abcd")).isEqualTo(400);
        assertThat(badBody("2001:db8:1:2:ffff::1")).isEqualTo(429);
        assertThat(badBody("2001:db8:1:3::1")).isEqualTo(400);
    }

    @Test
    void aForwardedForThatIsNotAnAddressIsNotBelievedAndNeverLookedUp() throws Exception {
        // "cafe" is all hex digits: it must not become a DNS lookup, nor the counted client
        assertThat(badBody("cafe")).isEqualTo(400);
        assertThat(badBody("dead.beef")).isEqualTo(400);
        assertThat(badBody()).as("the two above counted as the proxy's own address: used up").isEqualTo(429);
        assertThat(badBody("203.0.113.77")).isEqualTo(400);
    }

    @Test
    void browsingAndCrossSitePostsAreNotCountedAgainstTheAddress() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> icon = http.send(HttpRequest.newBuilder(URI.create(server.base + "/favicon.ico")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(icon.statusCode()).isEqualTo(204);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.base + "/no/such/page")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(server.base + "/subscribe"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=x&name=a")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(403);
        }
        assertThat(badBody()).as("none of those counted").isEqualTo(400);
    }
}
