package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document and the server agree: every documented route is served, every served /api/v1 route documented. */
class OpenApiRoutesTest {
    @TempDir
    Path dir;

    @Test
    void everyDocumentedRouteIsServedAndEveryApiRouteIsDocumented() throws IOException {
        Set<String> documented = new TreeSet<>();
        try (InputStream in = BrokerHttp.class.getResourceAsStream("/web/openapi.json")) {
            JsonNode paths = ApiServer.JSON.readTree(in).get("paths");
            for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> path = p.next();
                for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
                    documented.add(m.next().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        Set<String> served = new TreeSet<>();
        try (ApiServer server = new ApiServer(ApiServer.init(dir),
                new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500))) {
            server.http.routes().stream().filter(r -> r.contains(" /api/v1/")).forEach(served::add);
        }

        assertThat(documented).hasSizeGreaterThan(20);
        assertThat(served).as("the /api/v1 routes the server answers").isEqualTo(documented);
    }
}
