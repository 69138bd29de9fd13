package net.v6broker.cli;

import static net.v6broker.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Our PKI, as the command line leaves it in the home, checked by the real openssl. */
class OpensslCrossCheckTest {
    @TempDir
    Path dir;

    record Result(int code, String output) {
    }

    static Result openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec", "rsa2048"})
    void opensslAcceptsOurCertificatesAndRejectsARevokedClientByOurCrl(String keyType) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Path home = dir.resolve("home");
        String h = home.toString();
        assertThat(run("init", "--home", h, "--prefix", "2001:db8:abba:f100::/56", "--endpoint", "vpn.example.net",
                "--key-type", keyType).code()).isZero();
        run("client", "add", "alice", "--home", h, "--type", "subnet");
        run("client", "add", "bob", "--home", h, "--type", "hermit");
        Path alice = dir.resolve("alice.crt");
        Path bob = dir.resolve("bob.crt");
        ObjectMapper json = new ObjectMapper();
        Files.writeString(alice, json.readTree(run("client", "show", "alice", "--json", "--home", h).out()).get("certificate").asText());
        Files.writeString(bob, json.readTree(run("client", "show", "bob", "--json", "--home", h).out()).get("certificate").asText());
        String ca = home.resolve("ca/ca.crt").toString();
        String crl = home.resolve("ca/crl.pem").toString();

        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslclient", alice.toString()).code()).isZero();
        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslserver", home.resolve("server/server.crt").toString()))
                .extracting(Result::code).isEqualTo(0);
        assertThat(openssl("verify", "-crl_check", "-CAfile", ca, "-CRLfile", crl, alice.toString()).code()).isZero();

        assertThat(run("client", "revoke", "alice", "--home", h).code()).isZero();
        Result revoked = openssl("verify", "-crl_check", "-CAfile", ca, "-CRLfile", crl, alice.toString());
        assertThat(revoked.code()).isNotZero();
        assertThat(revoked.output()).contains("certificate revoked");
        assertThat(openssl("verify", "-crl_check", "-CAfile", ca, "-CRLfile", crl, bob.toString()).code()).isZero();
        Result text = openssl("crl", "-in", crl, "-noout", "-text");
        assertThat(text.code()).isZero();
        String serial = json.readTree(run("client", "show", "alice", "--json", "--home", h).out()).get("serial").asText();
        assertThat(text.output().replace(":", "")).containsIgnoringCase(serial);
        assertThat(openssl("pkey", "-in", home.resolve("ca/ca.key").toString(), "-noout").code()).isZero();
    }
}
