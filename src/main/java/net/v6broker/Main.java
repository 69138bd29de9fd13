package net.v6broker;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import net.v6broker.cli.Cli;

/** Wires the command line to the real clock, randomness and console. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.console() != null);
        System.exit(code);
    }

    /**
     * Runs one command line as {@code main} does, without exiting; the launcher's class-data-sharing
     * training runs its commands through here, so that what {@code main} uses is archived too.
     */
    public static int run(String[] args, OutputStream stdout, OutputStream stderr, boolean terminal) {
        PrintWriter out = new PrintWriter(stdout, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(stderr, true, StandardCharsets.UTF_8);
        // the randomness is made on first use, by the thread that first needs it (see Context)
        int code = Cli.run(Cli.context(Clock.systemUTC(), SecureRandom::new, out, err, terminal), args);
        out.flush();
        return code;
    }
}
