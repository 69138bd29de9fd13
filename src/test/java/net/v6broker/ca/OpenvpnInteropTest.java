package net.v6broker.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks {@link TlsCryptKey} against the real {@code openvpn}; skipped when it is not installed. */
class OpenvpnInteropTest {

    private static final Path OPENVPN = Path.of("/usr/sbin/openvpn");

    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenvpn() {
        Assumptions.assumeTrue(Files.isExecutable(OPENVPN), "/usr/sbin/openvpn not installed");
    }

    private String openvpn(int expectedExit, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(OPENVPN.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openvpn finished").isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(expectedExit);
        return output;
    }

    @Test
    void hasTheSameLayoutAsOpenvpnGenkey() throws Exception {
        openvpn(0, "--genkey", "tls-crypt", "theirs.key");
        String theirs = Files.readString(dir.resolve("theirs.key"));
        String ours = TlsCryptKey.generate(new SecureRandom());

        assertThat(ours.replaceAll("(?m)^[0-9a-f]{32}$", "HEX"))
                .isEqualTo(theirs.replaceAll("(?m)^[0-9a-f]{32}$", "HEX"));
    }

    @Test
    void openvpnAcceptsTheKey() throws Exception {
        Files.writeString(dir.resolve("ours.key"), TlsCryptKey.generate(new SecureRandom()));

        String output = openvpn(0, "--test-crypto", "--secret", "ours.key", "--cipher", "AES-256-CBC",
                "--auth", "SHA256");

        assertThat(output).contains("crypto self-test mode SUCCEEDED");
    }
}
