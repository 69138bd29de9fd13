package net.v6broker.openvpn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls-crypt-v2 verify hook, run by sh with the environment OpenVPN gives it (metadata_type, metadata_file). */
class TlsCryptV2VerifyTest {
    @TempDir
    Path dir;

    private int verify(int type, String metadata) throws Exception {
        Path script = dir.resolve(ServerConfigs.VERIFY_SCRIPT);
        Files.writeString(script, ServerConfigs.tlsCryptV2Verify(dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path meta = Files.write(dir.resolve("meta"), metadata.getBytes(StandardCharsets.US_ASCII)); // as OpenVPN writes it: no newline
        ProcessBuilder pb = new ProcessBuilder(List.of(script.toString()));
        pb.environment().put("metadata_type", Integer.toString(type));
        pb.environment().put("metadata_file", meta.toString());
        return pb.start().waitFor();
    }

    @Test
    void takesOurKeysUnlessTheirSerialIsRevokedAndNothingElse() throws Exception {
        Files.createDirectories(dir.resolve("revoked"));
        assertThat(verify(0, "v6b1 7 0A1B 1900000000")).isZero();
        Files.createFile(dir.resolve("revoked").resolve("0A1B"));
        assertThat(verify(0, "v6b1 7 0A1B 1900000000")).as("revoked").isEqualTo(1);
        assertThat(verify(1, "\0\0\0\0")).as("a timestamp key, not ours").isEqualTo(1);
        assertThat(verify(0, "site")).as("other user metadata").isEqualTo(1);
        assertThat(verify(0, "v6b1 7 ../../etc/passwd 1")).as("a serial that is a path").isEqualTo(1);
        assertThat(verify(0, "v6b1 7 0A1C 1 extra")).as("more fields").isEqualTo(1);
        assertThat(verify(0, "v6b1 7 0A1C 1900000000")).isZero();
    }
}
