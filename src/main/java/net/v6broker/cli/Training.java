package net.v6broker.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * What the launcher prepares from the code (see ./v6broker): the command tree's shape, and a short,
 * representative run of the commands in a throw-away home, whose loaded classes go into the
 * class-data-sharing archive. Not a user command: {@code Training HOME SHAPE-FILE}.
 */
public final class Training {
    /** Enough rows for the import to switch to the fast EC engine, so its classes are archived too. */
    private static final int IMPORTED = 60;

    private Training() {
    }

    public static void main(String[] args) throws IOException {
        Path home = Path.of(args[0]);
        Files.writeString(Path.of(args[1]), Cli.launchShape(Cli.context(Clock.systemUTC(), new SecureRandom(),
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), false)), StandardCharsets.UTF_8);
        Path csv = home.resolveSibling("training.csv");
        Files.createDirectories(csv.getParent());
        StringBuilder rows = new StringBuilder("name,type,os,email\n");
        for (int i = 1; i <= IMPORTED; i++) {
            rows.append("i").append(i).append(i % 2 == 0 ? ",subnet,windows,i" + i + "@example.net\n" : ",hermit,linux,\n");
        }
        Files.writeString(csv, rows, StandardCharsets.UTF_8);
        String[][] runs = {
            {"--help"},
            {"init", "--home", home.toString(), "--prefix", "2001:db8:abba:f100::/56", "--endpoint", "vpn.example.net"},
            {"client", "add", "t1", "--type", "hermit", "--home", home.toString()},
            {"client", "add", "t2", "--type", "subnet", "--email", "t2@example.net", "--home", home.toString()},
            {"client", "show", "t1", "--json", "--home", home.toString()},
            {"client", "list", "--home", home.toString()},
            {"client", "revoke", "t2", "--home", home.toString()},
            {"client", "add", "bad name", "--type", "hermit", "--home", home.toString()},
            {"client", "import", csv.toString(), "--home", home.toString()},
            {"ca", "crl", "--home", home.toString()},
        };
        for (String[] run : runs) {
            net.v6broker.Main.run(run, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), false);
        }
    }
}
