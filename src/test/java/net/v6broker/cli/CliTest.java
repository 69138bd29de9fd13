package net.v6broker.cli;

import net.v6broker.CliRunner;
import net.v6broker.HomeSnapshot;
import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.ca.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest extends WithSeedHome {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void initCreatesTheHomeWithThePrivateKeysReadableOnlyByTheOwner() throws Exception {
        for (String f : List.of("config.json", "broker.db", "ca/ca.crt", "ca/ca.key", "ca/crl.pem", "server/server.crt",
                "server/server.key", "server/tls-crypt.key")) {
            assertThat(home.resolve(f)).exists();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("ca/ca.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("server/server.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(home.resolve("server/tls-crypt.key"))).contains("BEGIN OpenVPN Static key V1");
        var server = Pem.readCertificate(Files.readString(home.resolve("server/server.crt")));
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(Files.readString(home.resolve("config.json"))).contains("\"prefix\" : \"2001:638:500:f100::/56\"");
    }

    @Test
    void initOnAnExistingHomeRefusesAndChangesNothing() {
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("init", "--home", h, "--prefix", "2001:db8::/48", "--endpoint", "other.example.net");
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("exists already and holds a broker home; nothing was changed");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/31", "2001:db8::/65", "2001:db8::/112", "2001:db8::1/48", "198.51.100.0/24",
        "2001:db8::", "garbage", "2001:db8::/48\nroute-ipv6 ::/0"})
    void initRefusesAPrefixOutsideSlash32ToSlash64AndCreatesNothing(String prefix) {
        Path other = dir.resolve("other");
        CliRunner.Run r = run("init", "--home", other.toString(), "--prefix", prefix, "--endpoint", "vpn.example.net");
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("accepted: an IPv6 prefix from /32 to /64");
        assertThat(other).doesNotExist();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("home");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void initRefusesABadEndpointOrKeyType() {
        assertThat(run("init", "--home", dir.resolve("x").toString(), "--prefix", "2001:db8::/48", "--endpoint", "vpn;rm -rf").err())
                .contains("invalid endpoint host");
        assertThat(run("init", "--home", dir.resolve("x").toString(), "--prefix", "2001:db8::/48", "--endpoint", "vpn.example.net",
                "--key-type", "dsa").err()).contains("accepted ec, rsa");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "-flag", "a/b", "../etc", "a b", "a;b", "a\nb", "x'y", "a\"b", "é",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a\\b", "a$b", "a,b", "*"})
    void addRefusesEveryInvalidNameWithTheAcceptedFormAndChangesNothing(String name) {
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "add", "--home", h, "--type", "hermit", "--", name);
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("invalid client name").contains("accepted 1..64 letters, digits, '.', '_', '-'");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void addRefusesABadTypeOsOrEmailAndChangesNothing() {
        String before = HomeSnapshot.of(home);
        assertThat(run("client", "add", "a", "--home", h, "--type", "router").err()).contains("accepted hermit, subnet");
        assertThat(run("client", "add", "a", "--home", h, "--type", "hermit", "--os", "bsd").err())
                .contains("accepted linux, windows, macos, openwrt, router");
        CliRunner.Run r = run("client", "add", "a", "--home", h, "--type", "hermit", "--email", "a@example.net\npush \"route ::/0\"");
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("invalid e-mail").contains("\\x0a");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void addRefusesADuplicateWithExitCodeConflict() {
        assertThat(run("client", "add", "a", "--home", h, "--type", "hermit").code()).isZero();
        String before = HomeSnapshot.of(home);
        CliRunner.Run r = run("client", "add", "A", "--home", h, "--type", "subnet");
        assertThat(r.code()).isEqualTo(Cli.CONFLICT);
        assertThat(r.err()).contains("a client named 'A' exists already");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }

    @Test
    void showJsonHasTheDocumentedFields() throws Exception {
        run("client", "add", "site", "--home", h, "--type", "subnet", "--os", "windows", "--email", "ops@example.net");
        run("client", "add", "laptop", "--home", h, "--type", "hermit");
        JsonNode s = JSON.readTree(run("client", "show", "site", "--json", "--home", h).out());
        assertThat(s.get("name").asText()).isEqualTo("site");
        assertThat(s.get("type").asText()).isEqualTo("subnet");
        assertThat(s.get("os").asText()).isEqualTo("windows");
        assertThat(s.get("email").asText()).isEqualTo("ops@example.net");
        assertThat(s.get("status").asText()).isEqualTo("active");
        assertThat(s.get("prefix").asText()).isEqualTo("2001:638:500:f101::/64");
        assertThat(s.get("transferServer").asText()).isEqualTo("2001:638:500:f100::f101:1/112");
        assertThat(s.get("transferClient").asText()).isEqualTo("2001:638:500:f100::f101:2/112");
        assertThat(s.get("serial").asText()).matches("([0-9A-F]{2})+");
        assertThat(java.time.Instant.parse(s.get("notAfter").asText())).isAfter(java.time.Instant.now());
        assertThat(java.time.Instant.parse(s.get("createdAt").asText())).isBefore(java.time.Instant.now().plusSeconds(1));
        var cert = Pem.readCertificate(s.get("certificate").asText());
        assertThat(cert.getSerialNumber().toString(16)).isEqualToIgnoringCase(s.get("serial").asText().replaceFirst("^0", ""));
        JsonNode l = JSON.readTree(run("client", "show", "laptop", "--json", "--home", h).out());
        assertThat(l.get("prefix").asText()).isEqualTo("2001:638:500:f1ff::100/128");
        assertThat(l.get("transferServer").asText()).isEqualTo("fe80::1/64");
        JsonNode list = JSON.readTree(run("client", "list", "--json", "--home", h).out());
        assertThat(list).hasSize(2);
    }

    @Test
    void lifecycleCommandsChangeStatusAndDeleteRemovesFromListings() throws Exception {
        run("client", "add", "a", "--home", h, "--type", "subnet");
        assertThat(run("client", "suspend", "a", "--home", h).out()).contains("suspended: a (suspended");
        assertThat(run("client", "suspend", "a", "--home", h).code()).isEqualTo(Cli.CONFLICT);
        assertThat(run("client", "resume", "a", "--home", h).out()).contains("resumed: a (active");
        String serial = JSON.readTree(run("client", "show", "a", "--json", "--home", h).out()).get("serial").asText();
        run("client", "renew", "a", "--home", h);
        JsonNode renewed = JSON.readTree(run("client", "show", "a", "--json", "--home", h).out());
        assertThat(renewed.get("serial").asText()).isNotEqualTo(serial);
        assertThat(renewed.get("prefix").asText()).isEqualTo("2001:638:500:f101::/64");
        assertThat(run("client", "delete", "a", "--home", h).code()).isZero();
        assertThat(run("client", "show", "a", "--home", h).code()).isEqualTo(Cli.NOT_FOUND);
        assertThat(JSON.readTree(run("client", "list", "--json", "--home", h).out())).isEmpty();
        // quarantined: the next subnet client does not get f101
        run("client", "add", "b", "--home", h, "--type", "subnet");
        assertThat(JSON.readTree(run("client", "show", "b", "--json", "--home", h).out()).get("prefix").asText())
                .isEqualTo("2001:638:500:f102::/64");
    }

    @Test
    void revokePublishesTheNewCrlToTheFileAndCaCrlPrintsIt() throws Exception {
        run("client", "add", "a", "--home", h, "--type", "hermit");
        String serial = JSON.readTree(run("client", "show", "a", "--json", "--home", h).out()).get("serial").asText();
        assertThat(run("client", "revoke", "a", "--home", h).code()).isZero();
        String file = Files.readString(home.resolve("ca/crl.pem"));
        assertThat(run("ca", "crl", "--home", h).out()).isEqualTo(file);
        var crl = Pem.readCrl(file);
        assertThat(crl.getRevokedCertificate(new java.math.BigInteger(serial, 16))).isNotNull();
        assertThat(crl.getNextUpdate().toInstant()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(29)));
        assertThat(run("ca", "cert", "--home", h).out()).isEqualTo(Files.readString(home.resolve("ca/ca.crt")));
        assertThat(JSON.readTree(run("client", "show", "a", "--json", "--home", h).out()).get("status").asText()).isEqualTo("revoked");
    }

    @Test
    void revokeOfSeveralIsOneCrlForAllOrNothingWhenOneNameIsRefused() throws Exception {
        for (String n : List.of("a", "b", "c", "d")) {
            run("client", "add", n, "--home", h, "--type", "hermit");
        }
        String crlBefore = Files.readString(home.resolve("ca/crl.pem"));
        // an unknown name, an already revoked one, a name given twice: refused, nothing changed
        run("client", "revoke", "d", "--home", h);
        String crlAfterD = Files.readString(home.resolve("ca/crl.pem"));
        assertThat(crlAfterD).isNotEqualTo(crlBefore);
        for (List<String> bad : List.of(List.of("a", "nobody"), List.of("a", "d"), List.of("a", "b", "A"))) {
            List<String> args = new ArrayList<>(List.of("client", "revoke"));
            args.addAll(bad);
            args.addAll(List.of("--home", h));
            assertThat(run(args.toArray(String[]::new)).code()).as("%s", bad).isNotZero();
            assertThat(JSON.readTree(run("client", "show", "a", "--json", "--home", h).out()).get("status").asText())
                    .isEqualTo("active");
            assertThat(Files.readString(home.resolve("ca/crl.pem"))).isEqualTo(crlAfterD);
        }
        CliRunner.Run r = run("client", "revoke", "a", "b", "c", "--home", h);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("revoked: a (revoked,", "revoked: b (revoked,", "revoked: c (revoked,");
        var crl = Pem.readCrl(Files.readString(home.resolve("ca/crl.pem")));
        assertThat(crl.getRevokedCertificates()).hasSize(4);
        assertThat(crlNumber(crl)).as("one CRL for the three").isEqualTo(crlNumber(Pem.readCrl(crlAfterD)) + 1);
    }

    private static long crlNumber(java.security.cert.X509CRL crl) throws Exception {
        var holder = new org.bouncycastle.cert.X509CRLHolder(crl.getEncoded());
        return org.bouncycastle.asn1.ASN1Integer.getInstance(holder.getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber)
                .getParsedValue()).getValue().longValueExact();
    }

    @Test
    void statusOfOneClientReadsThatClientOnly() throws Exception {
        run("client", "add", "a", "--home", h, "--type", "hermit");
        run("client", "add", "b", "--home", h, "--type", "subnet");
        var a = JSON.readTree(run("status", "A", "--json", "--home", h).out());
        assertThat(a.isObject()).isTrue();
        assertThat(a.path("name").asText()).isEqualTo("a");
        assertThat(a.path("connected").asBoolean()).isFalse();
        assertThat(JSON.readTree(run("status", "--json", "--home", h).out())).hasSize(2);
        assertThat(run("status", "nobody", "--home", h).code()).isEqualTo(Cli.NOT_FOUND);
    }

    @Test
    void aStreamedListOfTenThousandClientsIsOneValidJsonArrayWithEveryClientInNameOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) { // 20 walks of 500 exactly: the last read finds nothing more
            lines.add(String.format(java.util.Locale.ROOT, "n%05d,%s,linux,", 9_999 - i, i < 100 ? "subnet" : "hermit"));
        }
        Path csv = dir.resolve("many.csv");
        Files.write(csv, lines);
        assertThat(run("client", "import", csv.toString(), "--home", h).code()).isZero();
        var list = JSON.readTree(run("client", "list", "--json", "--home", h).out());
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(list.get(i).path("name").asText()).isEqualTo(String.format(java.util.Locale.ROOT, "n%05d", i));
        }
        assertThat(list.get(0).path("prefix").asText()).endsWith("/128"); // the home's /56 has room for 254 subnets
        assertThat(list.get(9_999).path("prefix").asText()).endsWith("/64");
    }

    @Test
    void importAddsTheRowsBeforeABadLineAndNamesItsLineNumber() throws Exception {
        List<String> lines = new ArrayList<>(List.of("name,type,os,email"));
        for (int i = 0; i < 40; i++) {
            lines.add("c" + i + "," + (i % 2 == 0 ? "hermit" : "subnet") + ",linux,c" + i + "@example.net");
        }
        lines.add("bad name,hermit,linux,");
        lines.add("after,hermit,linux,");
        Path csv = dir.resolve("clients.csv");
        Files.write(csv, lines);
        CliRunner.Run r = run("client", "import", csv.toString(), "--home", h);
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("line 42: invalid client name 'bad name'").contains("the 40 clients before it were added");
        assertThat(r.out()).contains("imported 40 clients");
        JsonNode list = JSON.readTree(run("client", "list", "--json", "--home", h).out());
        assertThat(list).hasSize(40);
        assertThat(run("client", "show", "after", "--home", h).code()).isEqualTo(Cli.NOT_FOUND);
    }

    @Test
    void importStopsAtANameThatExistsAlreadyKeepingTheRowsBefore() throws Exception {
        run("client", "add", "taken", "--home", h, "--type", "hermit");
        Path csv = dir.resolve("clients.csv");
        Files.write(csv, List.of("x1,subnet", "x2,hermit,macos", "Taken,subnet", "x4,subnet"));
        CliRunner.Run r = run("client", "import", csv.toString(), "--home", h);
        assertThat(r.code()).isEqualTo(Cli.INVALID);
        assertThat(r.err()).contains("line 3: a client named 'Taken' exists already");
        assertThat(JSON.readTree(run("client", "list", "--json", "--home", h).out())).hasSize(3);
    }

    @Test
    void initRecordsThatTheCaKeyMatchesItsCertificateReadableOnlyByTheOwner() throws Exception {
        Path record = home.resolve("ca/key-matches-cert");

        assertThat(Files.readString(record)).matches("sha256 [0-9a-f]{64}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
    }

    @Test
    void anotherCasKeyIsRefusedAtTheFirstSignatureAndNotRecorded() throws Exception {
        Path other = dir.resolve("other");
        assertThat(run("init", "--home", other.toString(), "--prefix", "2001:db8::/48", "--endpoint", "o.example.net")
                .code()).isZero();
        Path key = home.resolve("ca/ca.key");
        String ownKey = Files.readString(key);
        Files.writeString(key, Files.readString(other.resolve("ca/ca.key")));
        String before = HomeSnapshot.of(home);

        CliRunner.Run r = run("client", "add", "a", "--home", h, "--type", "hermit");

        assertThat(r.code()).isEqualTo(Cli.FAILED);
        assertThat(r.err()).contains("does not match the CA certificate's public key");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
        Files.writeString(key, ownKey);
        assertThat(run("client", "add", "a", "--home", h, "--type", "hermit").code()).isZero();
    }

    @Test
    void aMissingRecordIsProvenByTheFirstSignatureAndWrittenAgain() throws Exception {
        Path record = home.resolve("ca/key-matches-cert");
        String written = Files.readString(record);
        Files.delete(record);

        assertThat(run("client", "add", "a", "--home", h, "--type", "hermit").code()).isZero();

        assertThat(Files.readString(record)).isEqualTo(written);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
    }

    @Test
    void commandsOnAMissingHomeSayHowToCreateOne() {
        CliRunner.Run r = run("client", "list", "--home", dir.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(Cli.NO_HOME);
        assertThat(r.err()).contains("run 'v6broker init' first");
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }
}
