package net.v6broker.api;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test against a fresh home's API, with an operator token: one server a test, on a free port. */
abstract class WithApiServer {
    @TempDir
    Path dir;
    Path home;
    ApiServer api;
    String ops;

    @BeforeEach
    void startServer() {
        home = ApiServer.init(dir);
        ops = ApiServer.operatorToken(home, "ops");
        api = new ApiServer(home, new Limits(16 * 1024, 1000, 1000, Duration.ofHours(1), Duration.ofHours(1), 500));
    }

    @AfterEach
    void stopServer() {
        api.close();
    }
}
