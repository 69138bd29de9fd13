package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.v6broker.api.ApiServer;
import net.v6broker.api.Limits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole subscription story in real headless Chromium (Debian's, driven by Playwright): a
 * subscriber fills the form, an operator logs in and approves, the subscriber downloads the profile
 * through the one-time link, the link then no longer works, and the address plan shows the new
 * allocation. Chromium talks only to this test's server on 127.0.0.1. Screenshots go to
 * target/screenshots/.
 */
class WebFlowTest {
    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    static final Path SHOTS = Paths.get("target", "screenshots");
    @TempDir
    Path dir;
    ApiServer server;
    String ops;

    @BeforeEach
    void start() {
        Path home = ApiServer.init(dir);
        ops = ApiServer.operatorToken(home, "ops");
        server = new ApiServer(home, new Limits(16 * 1024, 100, 100, Duration.ofHours(1), Duration.ofHours(1), 500));
        for (int i = 0; i < 3; i++) {
            server.post("/api/v1/clients", ops, "{\"name\":\"site-" + i + "\",\"type\":\"subnet\"}");
        }
        server.post("/api/v1/clients", ops, "{\"name\":\"laptop-old\",\"type\":\"subnet\"}");
        server.delete("/api/v1/clients/laptop-old", ops); // quarantined
        server.post("/api/v1/clients", ops, "{\"name\":\"phone-1\",\"type\":\"hermit\"}");
    }

    /** Debian's Chromium, headless, resolving no name and reaching nothing but this test's server on 127.0.0.1. */
    static Browser chromium(Playwright pw) {
        return pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--no-proxy-server",
                        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSubscriberIsApprovedDownloadsOnceAndThePlanShowsTheAllocation() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: /usr/bin/chromium is missing (apt-get install chromium)");
        Files.createDirectories(SHOTS);
        try (Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            Browser browser = chromium(pw);
            BrowserContext subscriberBrowser = browser.newContext(new Browser.NewContextOptions().setAcceptDownloads(true)
                    .setViewportSize(1280, 900));
            Page sub = subscriberBrowser.newPage();

            // 1. the subscriber asks
            sub.navigate(server.base + "/subscribe");
            sub.fill("input[name=name]", "zoe-lab");
            sub.fill("input[name=email]", "zoe@example.net");
            sub.selectOption("select[name=type]", "subnet");
            sub.selectOption("select[name=os]", "linux");
            sub.fill("textarea[name=reason]", "Home lab <b>router</b> & friends");
            sub.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("01-subscribe-form.png")).setFullPage(true));
            sub.click("#subscribe button[type=submit]");
            String token = sub.textContent("#subscriber-token").strip();
            assertThat(token).startsWith("v6bs_");
            sub.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("02-request-received.png")).setFullPage(true));

            // 2. an operator logs in and approves
            BrowserContext operatorBrowser = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
            Page op = operatorBrowser.newPage();
            op.navigate(server.base + "/admin");
            assertThat(op.url()).endsWith("/login");
            op.fill("input[name=token]", ops);
            op.click("#login button[type=submit]");
            assertThat(op.url()).endsWith("/admin");
            assertThat(op.textContent("#pending")).contains("zoe-lab", "Home lab <b>router</b> & friends");
            op.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("03-dashboard-pending.png")).setFullPage(true));
            op.click("#pending tr[data-name=zoe-lab] button:has-text('Approve')");
            assertThat(op.textContent("#flash")).contains("zoe-lab", "approved");
            assertThat(op.textContent("#clients")).contains("zoe-lab", "2001:db8:abba:f105::/64");
            op.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("04-dashboard-approved.png")).setFullPage(true));
            op.click("#clients a:has-text('zoe-lab')");
            assertThat(op.textContent("main")).contains("2001:db8:abba:f100::f105:2/112", "Certificate serial");
            op.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("05-client-page.png")).setFullPage(true));

            // 3. the plan shows the new allocation
            op.navigate(server.base + "/admin/plan");
            // the /64 region of the /56: its 254 blocks, one square each; transfer and hermits in the strip above
            assertThat(op.locator("svg#plan rect").count()).isEqualTo(254);
            assertThat(op.locator("svg#plan rect.subnet").count()).isEqualTo(4);
            assertThat(op.locator("svg#plan rect.quarantined").count()).isEqualTo(1);
            assertThat(op.locator("svg#layout rect.transfer").count()).isEqualTo(1);
            assertThat(op.locator("svg#layout rect.hermit").count()).isEqualTo(1);
            assertThat(op.locator("svg#plan rect").nth(4).locator("title").textContent()).contains("2001:db8:abba:f105::/64", "zoe-lab");
            op.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("06-address-plan.png")).setFullPage(true));

            // 4. the subscriber sees the tunnel and takes the one-time link
            sub.navigate(server.base + "/status");
            sub.fill("input[name=token]", token);
            sub.click("form[action='/status'] button[type=submit]");
            assertThat(sub.url()).endsWith("/my");
            assertThat(sub.textContent("main")).contains("2001:db8:abba:f105::/64", "vpn.example.net:1194", "approved");
            sub.click("#get-link");
            String link = sub.getAttribute("#download-link", "href");
            assertThat(link).startsWith("/download/v6bd_");
            sub.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("07-tunnel-and-link.png")).setFullPage(true));
            sub.navigate(server.base + link);
            sub.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("08-download-page.png")).setFullPage(true));
            Download download = sub.waitForDownload(() -> sub.click("#download button[type=submit]"));
            assertThat(download.suggestedFilename()).isEqualTo("zoe-lab.ovpn");
            String profile = Files.readString(download.path());
            assertThat(profile).contains("remote vpn.example.net", "BEGIN CERTIFICATE", "BEGIN PRIVATE KEY");

            // 5. the link no longer works
            Response again = sub.navigate(server.base + link);
            assertThat(again.status()).isEqualTo(410);
            assertThat(sub.textContent("main")).contains("This link no longer works");
            sub.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("09-link-used.png")).setFullPage(true));
            browser.close();
        }
    }
}
