package net.v6broker;

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
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = Cli.run(Cli.context(Clock.systemUTC(), new SecureRandom(), out, err, System.console() != null), args);
        out.flush();
        System.exit(code);
    }
}
