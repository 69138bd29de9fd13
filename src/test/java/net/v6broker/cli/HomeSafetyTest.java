package net.v6broker.cli;

import net.v6broker.CliRunner;
import net.v6broker.HomeSnapshot;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.v6broker.MutableClock;
import net.v6broker.ServeProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The clumsy operator's mistakes, each pinned by the failure it caused: a command must refuse a
 * home it cannot trust, saying why, and change nothing.
 */
class HomeSafetyTest extends WithHome {
    private static final ObjectMapper JSON = new ObjectMapper();
    @BeforeEach
    void clients() {
        assertThat(run("client", "add", "s1", "--type", "subnet", "--home", h).code()).isZero();
        assertThat(run("client", "add", "s2", "--type", "subnet", "--home", h).code()).isZero();
        assertThat(run("client", "revoke", "s2", "--home", h).code()).isZero();
    }

    private void deleteDatabase() throws Exception {
        for (String f : List.of("broker.db", "broker.db-wal", "broker.db-shm")) {
            Files.deleteIfExists(home.resolve(f));
        }
    }

    private void editConfig(String from, String to) throws Exception {
        String config = Files.readString(home.resolve("config.json"));
        assertThat(config).contains(from);
        Files.writeString(home.resolve("config.json"), config.replace(from, to));
    }

    @Test
    void aMissingDatabaseIsRefusedAndNeverReplacedByAnEmptyOne() throws Exception {
        // regression: 'client list' answered an empty list and 'client add' handed out s1's /64 again
        deleteDatabase();
        String before = HomeSnapshot.of(home);
        for (String[] cmd : new String[][] {{"client", "list"}, {"client", "add", "x", "--type", "subnet"}, {"check"},
            {"ca", "crl"}, {"status"}}) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("--home", h));
            CliRunner.Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", cmd) + ": " + r.err()).isEqualTo(Cli.NO_HOME);
            assertThat(r.err()).contains("the database file " + home.resolve("broker.db") + " does not exist",
                    "only 'v6broker init' creates a database");
        }
        assertThat(home.resolve("broker.db")).doesNotExist();
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void anEmptyDatabaseFileIsRefused() throws Exception {
        deleteDatabase();
        Files.createFile(home.resolve("broker.db"));
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "add", "x", "--type", "subnet", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("holds no v6broker schema", "is database.url in config.json right?");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
        assertThat(Files.size(home.resolve("broker.db"))).isZero();
    }

    @Test
    void aTypoInDatabaseUrlIsRefusedWithoutCreatingAFile() throws Exception {
        editConfig("\"url\" : \"\"", "\"url\" : \"jdbc:sqlite:" + home.resolve("brokr.db") + "\"");
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "list", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("brokr.db does not exist");
        assertThat(home.resolve("brokr.db")).doesNotExist();
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void anotherBrokersDatabaseIsRefused() throws Exception {
        Path other = dir.resolve("other");
        assertThat(run("init", "--home", other.toString(), "--prefix", "2001:db8:abba:f100::/56", "--endpoint", "o.example.net")
                .code()).isZero();
        editConfig("\"url\" : \"\"", "\"url\" : \"jdbc:sqlite:" + other.resolve("broker.db") + "\"");
        String before = HomeSnapshot.of(home);
        String otherBefore = HomeSnapshot.of(other);
        CliRunner.Run r = run("client", "add", "x", "--type", "hermit", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("belongs to another broker", "check database.url");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
        assertThat(HomeSnapshot.of(other)).isEqualTo(otherBefore);
    }

    @Test
    void aHomeMadeBeforeIdentitiesIsAdoptedOnceWithTheSameId() throws Exception {
        JsonNode config = JSON.readTree(home.resolve("config.json").toFile());
        String id = config.path("brokerId").asText();
        assertThat(id).matches("[0-9a-f]{32}");
        editConfig("\"brokerId\" : \"" + id + "\",\n", "");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("broker.db")); Statement s = c.createStatement()) {
            s.execute("DELETE FROM broker");
        }
        assertThat(run("client", "list", "--home", h).code()).isZero();
        String adopted = JSON.readTree(home.resolve("config.json").toFile()).path("brokerId").asText();
        assertThat(adopted).matches("[0-9a-f]{32}");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("broker.db")); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT broker_id, prefix FROM broker")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo(adopted);
            assertThat(r.getString(2)).isEqualTo("2001:db8:abba:f100::/56");
        }
        String before = HomeSnapshot.of(home);
        assertThat(run("client", "list", "--home", h).code()).isZero();
        assertThat(HomeSnapshot.of(home)).as("adopted once").isEqualTo(before);
    }

    @Test
    void aDatabaseWithoutIdentityIsNeitherStampedNorMigratedForAHomeThatHasOne() throws Exception {
        // as a foreign database of a version before identities looks: no broker row, schema version 5
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("broker.db")); Statement s = c.createStatement()) {
            s.execute("DROP TABLE broker");
            s.execute("DELETE FROM flyway_schema_history WHERE CAST(version AS INTEGER) >= 6");
        }
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "list", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("records no broker identity, so it is not the database of this home");
        assertThat(HomeSnapshot.of(home)).as("neither stamped nor migrated").isEqualTo(before);
    }

    @Test
    void aConfigWithoutIdFacingADatabaseWithOneIsRefusedWithTheIdToAdd() throws Exception {
        String id = JSON.readTree(home.resolve("config.json").toFile()).path("brokerId").asText();
        editConfig("\"brokerId\" : \"" + id + "\",\n", "");
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "list", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("has no brokerId, but the database", "add \"brokerId\": \"" + id + "\" to config.json");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void aPrefixChangedInConfigIsRefusedNamingTheStoredOne() throws Exception {
        // regression: editing "prefix" moved every client to a new prefix and 'check' said "all consistent"
        editConfig("\"prefix\" : \"2001:db8:abba:f100::/56\"", "\"prefix\" : \"2001:db8:beef:f100::/56\"");
        String before = HomeSnapshot.of(home);
        for (String[] cmd : new String[][] {{"client", "show", "s1"}, {"check"}, {"client", "add", "x", "--type", "subnet"}}) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("--home", h));
            CliRunner.Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(Cli.NO_HOME);
            assertThat(r.err()).contains("prefix 2001:db8:beef:f100::/56 is not this broker's prefix 2001:db8:abba:f100::/56",
                    "restore \"prefix\": \"2001:db8:abba:f100::/56\"");
        }
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void aKeyWrittenTwiceInConfigIsRefused() throws Exception {
        // regression: the last "prefix" won, silently
        editConfig("\"prefix\" : \"2001:db8:abba:f100::/56\",", "\"prefix\" : \"2001:db8:abba:f100::/56\",\n"
                + "  \"prefix\" : \"2001:db8:beef::/48\",");
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "list", "--home", h);
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("Duplicate field 'prefix'");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void aHomePathWithASpaceIsRefusedAtInitNotLaterByServe() {
        Path spaced = dir.resolve("with space").resolve("home");
        CliRunner.Run r = run("init", "--home", spaced.toString(), "--prefix", "2001:db8::/48", "--endpoint", "vpn.example.net");
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("cannot use", "as a broker home", "letters, digits and . _ : / @ + -");
        assertThat(dir.resolve("with space")).doesNotExist();
        Path deep = dir.resolve("d".repeat(100));
        assertThat(run("init", "--home", deep.toString(), "--prefix", "2001:db8::/48", "--endpoint", "vpn.example.net").err())
                .contains("a Unix socket path holds at most 107");
        assertThat(deep).doesNotExist();
    }

    @Test
    void loosePermissionsAreWarnedByEveryCommandAndReportedByCheck() throws Exception {
        Files.setPosixFilePermissions(home.resolve("ca/ca.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(home.resolve("broker.db"), PosixFilePermissions.fromString("rw-r-----"));
        CliRunner.Run list = run("client", "list", "--home", h);
        assertThat(list.code()).isZero();
        assertThat(list.err()).contains("warning: " + home.resolve("ca/ca.key") + " has mode rw-r--r--, expected rw-------",
                "warning: " + home.resolve("broker.db") + " has mode rw-r-----");
        CliRunner.Run check = run("check", "--home", h);
        assertThat(check.out()).contains("MISMATCH " + home.resolve("ca/ca.key") + ": mode rw-r--r--",
                "fix: chmod 600 " + home.resolve("ca/ca.key"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(run("client", "list", "--home", h).err()).contains(home + " has mode rwxrwxrwx");
    }

    @Test
    void serveRefusesAWorldReadableKeyUnlessToldOtherwise() throws Exception {
        Files.setPosixFilePermissions(home.resolve("server/server.key"), PosixFilePermissions.fromString("rw-r--r--"));
        try (ServeProcess refused = ServeProcess.start(home, dir.resolve("refused.log"), List.of(), Map.of(), "--no-openvpn")) {
            assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(Cli.NO_HOME);
            assertThat(refused.log()).contains("refusing to serve", home.resolve("server/server.key") + " has mode rw-r--r--",
                    "--allow-insecure-permissions");
        }
        try (ServeProcess allowed = ServeProcess.listening(home, dir.resolve("allowed.log"), List.of(),
                "--allow-insecure-permissions")) {
            assertThat(allowed.log()).contains("warning: serving with insecure permissions");
            assertThat(allowed.get("/api/v1/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBadCaKeyIsReportedAtStartInHealthAndTheCommandLineNamesTheFile() throws Exception {
        // regression: serve started, /health said 200, and every change then failed with "internal error (HomeException)"
        Files.writeString(home.resolve("ca/ca.key"), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        String before = HomeSnapshot.of(home);
        CliRunner.Run add = run("client", "add", "x", "--type", "hermit", "--home", h);
        assertThat(add.code()).isEqualTo(Cli.FAILED);
        assertThat(add.err()).contains("cannot load the CA from " + home.resolve("ca/ca.key"));
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
        try (ServeProcess serve = ServeProcess.listening(home, dir.resolve("serve.log"), List.of())) {
            HttpResponse<String> health = serve.get("/api/v1/health");
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(health.body());
            assertThat(body.path("status").asText()).isEqualTo("degraded");
            assertThat(body.path("problems").get(0).asText()).contains(home.resolve("ca/ca.key").toString());
            assertThat(serve.log()).contains("[ERROR] v6broker - " + home.resolve("ca/ca.key"));
        }
        Files.delete(home.resolve("ca/ca.key"));
        assertThat(run("client", "add", "x", "--type", "hermit", "--home", h).err())
                .contains("missing " + home.resolve("ca/ca.key"));
    }

    @Test
    void aSecondServeOnTheSameHomeRefusesNamingTheFirstOnesPid() throws Exception {
        // regression: two daemons both ran, both relaunched openvpn, and the pid file vanished
        try (ServeProcess first = ServeProcess.listening(home, dir.resolve("first.log"), List.of());
             ServeProcess second = ServeProcess.start(home, dir.resolve("second.log"), List.of(), Map.of(), "--no-openvpn")) {
            assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(Cli.CONFLICT);
            assertThat(second.log()).contains("another 'v6broker serve' runs on " + home, "pid " + first.process.pid());
            assertThat(first.get("/api/v1/health").statusCode()).isEqualTo(200);
        }
        try (ServeProcess again = ServeProcess.listening(home, dir.resolve("again.log"), List.of())) {
            assertThat(again.get("/api/v1/health").statusCode()).as("the lock went with the first daemon").isEqualTo(200);
        }
    }

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        CommandLine all = Cli.tree(Cli.context(java.time.Clock.systemUTC(), new java.security.SecureRandom(),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false));
        List<List<String>> paths = new ArrayList<>();
        collect(all, new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRunner.Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: v6broker " + String.join(" ", path));
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void caCrlReissueIssuesAndPublishesANewCrl() throws Exception {
        String crl = Files.readString(home.resolve("ca/crl.pem"));
        CliRunner.Run r = run("ca", "crl", "--reissue", "--home", h);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("BEGIN X509 CRL").isNotEqualTo(crl);
        assertThat(Files.readString(home.resolve("ca/crl.pem"))).isEqualTo(r.out());
    }

    @Test
    void aChangeCloseToTheCrlsNextUpdateReissuesIt() throws Exception {
        // regression: without 'serve' nothing re-issued the CRL, and it expired under a plain openvpn
        String crl = Files.readString(home.resolve("ca/crl.pem"));
        MutableClock early = new MutableClock(Instant.now().plus(Duration.ofDays(15)));
        assertThat(run(early, "client", "suspend", "s1", "--home", h).code()).isZero();
        assertThat(Files.readString(home.resolve("ca/crl.pem"))).as("20 of 30 days left: not due").isEqualTo(crl);
        MutableClock late = new MutableClock(Instant.now().plus(Duration.ofDays(21)));
        assertThat(run(late, "client", "resume", "s1", "--home", h).code()).isZero();
        String fresh = Files.readString(home.resolve("ca/crl.pem"));
        assertThat(fresh).as("9 of 30 days left: re-issued with the change").isNotEqualTo(crl);
        assertThat(run("ca", "crl", "--home", h).out()).isEqualTo(fresh);
    }

    @Test
    void serveInstallsAMissingOpenvpnWhenItRunsAsRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: serve installs openvpn only as root");
        // a PATH whose apt-get records its arguments and "installs" an openvpn that exits at once
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("apt-calls");
        Files.writeString(bin.resolve("apt-get"), "#!/bin/sh\necho \"$@\" >> " + calls + "\n"
                + "case \"$1\" in install) printf '#!/bin/sh\\nexit 0\\n' > " + bin.resolve("openvpn") + "; chmod +x "
                + bin.resolve("openvpn") + ";; esac\nexit 0\n");
        Files.setPosixFilePermissions(bin.resolve("apt-get"), PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServeProcess serve = ServeProcess.start(home, dir.resolve("serve.log"), List.of(), Map.of("PATH", bin + ":/usr/bin:/bin"))) {
            serve.awaitListening(Duration.ofSeconds(60));
            assertThat(serve.log()).contains("openvpn is not installed; installing it (apt-get update && apt-get install -y openvpn)")
                    .doesNotContain("serving without it");
            assertThat(Files.readAllLines(calls)).containsExactly("update -qq", "install -y -qq openvpn");
        }
        // the test's own openvpn stand-in, started by the daemon, exits by itself; no pid file is left to stop
    }
}
