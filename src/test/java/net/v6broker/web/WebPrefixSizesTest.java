package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import net.v6broker.CliRunner;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefix sizes in real headless Chromium, on a broker of a /40 (regions of /64s, /56s and /48s):
 * a subscriber asks for a /56, the operator grants a /48 instead, and the address plan draws that
 * /48 and a /56 as one block each, region by region. Screenshots go to target/screenshots/.
 */
class WebPrefixSizesTest {
    @TempDir
    Path dir;
    ApiServer server;
    String ops;

    @BeforeEach
    void start() {
        Path home = CliRunner.init(dir.resolve("home"), "2001:db8:ab00::/40", "vpn.example.net");
        ops = ApiServer.operatorToken(home, "ops");
        server = new ApiServer(home, new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500));
        assertThat(server.post("/api/v1/clients", ops, "{\"name\":\"office\",\"type\":\"subnet\",\"size\":56}").status())
                .isEqualTo(201);
        assertThat(server.post("/api/v1/clients", ops, "{\"name\":\"flat\",\"type\":\"subnet\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSubscriberAsksForASlash56TheOperatorGrantsASlash48AndThePlanDrawsBoth() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(WebFlowTest.CHROMIUM), "skipped: /usr/bin/chromium is missing (apt-get install chromium)");
        Path shots = WebFlowTest.SHOTS;
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            Files.createDirectories(shots);
            Browser browser = WebFlowTest.chromium(pw);
            Page sub = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();

            // the form offers the plan's sizes; the subscriber asks for a /56
            sub.navigate(server.base + "/subscribe");
            assertThat(sub.locator("select[name=size] option").allTextContents())
                    .containsExactly("the usual for the kind (a subnet gets a /64)", "/64: one network (/64)",
                            "/56: 256 networks of /64", "/48: 65,536 networks of /64");
            sub.fill("input[name=name]", "campus");
            sub.fill("input[name=email]", "campus@example.net");
            sub.selectOption("select[name=type]", "subnet");
            sub.selectOption("select[name=size]", "56");
            sub.fill("textarea[name=reason]", "a department network");
            sub.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("sizes-01-subscribe-56.png")).setFullPage(true));
            sub.click("#subscribe button[type=submit]");
            assertThat(sub.textContent("#subscriber-token").strip()).startsWith("v6bs_");

            // the operator sees what was asked and grants a /48 instead
            BrowserContext operatorBrowser = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
            Page op = operatorBrowser.newPage();
            op.navigate(server.base + "/login");
            op.fill("input[name=token]", ops);
            op.click("#login button[type=submit]");
            assertThat(op.textContent("#pending tr[data-name=campus]")).contains("subnet /56");
            assertThat(op.inputValue("#pending tr[data-name=campus] select[name=size]")).isEqualTo("56");
            op.selectOption("#pending tr[data-name=campus] select[name=size]", "48");
            op.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("sizes-02-approve-as-48.png")).setFullPage(true));
            op.click("#pending tr[data-name=campus] button:has-text('Approve')");
            assertThat(op.textContent("#flash")).contains("campus", "approved");
            assertThat(op.textContent("#clients")).contains("2001:db8:abc0::/48", "2001:db8:ab80::/56");

            // the plan: the strip and table name the three regions; the /56 and /48 regions draw a block a square
            op.navigate(server.base + "/admin/plan");
            assertThat(op.textContent("#regions")).contains("/64 region", "/56 region", "/48 region", "hermits");
            op.click("#regions a:has-text('/56 region')");
            op.waitForURL("**/admin/plan?region=56");
            op.waitForLoadState();
            assertThat(op.textContent("#view-title")).contains("/56 region");
            // 2^14 /56s in squares of four (a /54 each), the first holding office's /56
            assertThat(op.locator("svg#plan rect").count()).isEqualTo(4096);
            assertThat(op.locator("svg#plan rect").first().locator("title").textContent())
                    .isEqualTo("2001:db8:ab80::/54: 1 of 4 /56s in use, 0 quarantined");
            op.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("sizes-03-plan-56-region.png")).setFullPage(true));
            op.locator("svg#plan a").first().click(); // opens those four /56s, one square each
            op.waitForURL("**/admin/plan?region=56&from=*");
            op.waitForLoadState();
            assertThat(op.locator("svg#plan rect").count()).isEqualTo(4);
            assertThat(op.locator("svg#plan rect.subnet title").textContent()).isEqualTo("2001:db8:ab80::/56: office");
            op.click("#regions a:has-text('/48 region')");
            op.waitForURL("**/admin/plan?region=48");
            op.waitForLoadState();
            assertThat(op.locator("svg#plan rect").count()).isEqualTo(63);
            assertThat(op.locator("svg#plan rect.subnet").count()).isEqualTo(1);
            assertThat(op.locator("svg#plan rect.subnet title").textContent()).isEqualTo("2001:db8:abc0::/48: campus");
            op.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("sizes-04-plan-48-region.png")).setFullPage(true));
            browser.close();
        }
    }
}
