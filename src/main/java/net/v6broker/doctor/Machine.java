package net.v6broker.doctor;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the doctor reads of the machine it runs on. Every method only reads: the commands are
 * {@code ip ... show/get}, {@code openvpn --version} and {@code ping}, nothing that changes a
 * setting. Tests give a small fake; {@link LinuxMachine} is the real one.
 */
public interface Machine {
    /** Whether a program is on the PATH. */
    boolean installed(String program);

    /** Runs a reading command and returns its standard output whatever its exit status; empty if it cannot run. */
    Optional<String> output(List<String> command);

    /** Runs a command (a ping) and tells whether it exited 0. */
    boolean succeeds(List<String> command);

    /** A small file's content (from /proc or /sys); empty if it cannot be read. */
    Optional<String> read(Path file);

    /** The command names of the running processes, as {@code ps -A -o comm=} lists them. */
    List<String> processNames();

    Instant now();

    /**
     * Why each command that could not run, or file that could not be read, failed, in the order it
     * happened; the checks that needed them report only their own verdict.
     */
    default List<String> problems() {
        return List.of();
    }
}
