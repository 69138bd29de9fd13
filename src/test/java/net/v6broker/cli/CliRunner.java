package net.v6broker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/** Runs the real command line in-process and captures what it prints. */
final class CliRunner {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        return run(Clock.systemUTC(), args);
    }

    /** As {@link #run(String...)}, at the time {@code clock} tells. */
    static Run run(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(Cli.context(clock, new SecureRandom(), new PrintWriter(out), new PrintWriter(err), false), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every file under a directory with its SHA-256 and mode, and every database row: equal means nothing changed. */
    static String snapshot(Path home) {
        return net.v6broker.HomeSnapshot.of(home);
    }
}
