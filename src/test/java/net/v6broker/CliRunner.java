package net.v6broker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import net.v6broker.cli.Cli;

/** The real command line run in this JVM, with what it printed captured: the one way tests run a command. */
public final class CliRunner {
    /** The prefix test homes are made with: a /56 of the documentation range, as in the seed. */
    public static final String PREFIX = "2001:db8:abba:f100::/56";

    private CliRunner() {
    }

    /** What a command line did. */
    public record Run(int code, String out, String err) {
    }

    public static Run run(String... args) {
        return run(Clock.systemUTC(), args);
    }

    /** As {@link #run(String...)}, at the time {@code clock} tells. */
    public static Run run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(Cli.context(clock, new SecureRandom(), new PrintWriter(out), new PrintWriter(err), false), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs a command that must succeed (else the test fails with what it printed); returns its output. */
    public static String ok(String... args) {
        Run r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("v6broker " + String.join(" ", args) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }

    /** A new broker home at {@code home}, made by {@code init} with {@link #PREFIX} and {@code endpoint}. */
    public static Path init(Path home, String endpoint) {
        return init(home, PREFIX, endpoint);
    }

    /** A new broker home at {@code home}, made by {@code init}. */
    public static Path init(Path home, String prefix, String endpoint) {
        ok("init", "--home", home.toString(), "--prefix", prefix, "--endpoint", endpoint);
        return home;
    }
}
