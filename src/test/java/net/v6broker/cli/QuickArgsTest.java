package net.v6broker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import picocli.CommandLine;

/**
 * {@link QuickArgs} against picocli: whatever line it accepts, picocli must accept too and read
 * exactly the same way; what it declines goes to picocli unchanged, so help and every error message
 * stay picocli's.
 */
class QuickArgsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Tokens the lines are made of: the commands' own words, values, and the awkward ones. */
    private static final List<String> TOKENS = List.of("client", "add", "import", "list", "alice", "bob.1", "c.csv",
            "--type", "hermit", "subnet", "--os", "windows", "--email", "a@example.net", "--json", "--home", "/tmp/h",
            "--home=/tmp/h2", "--type=subnet", "--os=macos", "--email=", "--threads", "3", "007", "--threads=4", "-1",
            "-h", "--help", "--", "-x", "", "--version", "--json=true", "--type=", "add");

    @Property(tries = 10_000)
    void acceptsOnlyWhatPicocliReadsTheSameWay(@ForAll("lines") List<String> line) {
        String[] args = line.toArray(String[]::new);
        Context quickContext = context();
        Runnable quick = QuickArgs.parse(quickContext, args);
        Statistics.collect(quick == null ? "declined" : "accepted");
        Statistics.coverage(c -> c.check("accepted").percentage(p -> p >= 5.0)); // the comparison below does run
        if (quick == null) {
            return;
        }
        Context picoContext = context();
        CommandLine.ParseResult parsed = Cli.commandLine(picoContext, args).parseArgs(args); // throws if picocli refuses
        Object picocli = parsed.subcommand().subcommand().commandSpec().userObject();
        assertThat(picocli).hasSameClassAs(quick);
        assertThat(quickContext.homeDir).isEqualTo(picoContext.homeDir);
        if (quick instanceof ClientCommands.Add a) {
            ClientCommands.Add p = (ClientCommands.Add) picocli;
            assertThat(List.of(a.name, a.type, a.os, String.valueOf(a.email), a.json))
                    .isEqualTo(List.of(p.name, p.type, p.os, String.valueOf(p.email), p.json));
        } else {
            ClientCommands.Import a = (ClientCommands.Import) quick;
            ClientCommands.Import p = (ClientCommands.Import) picocli;
            assertThat(a.file).isEqualTo(p.file);
            assertThat(a.threads).isEqualTo(p.threads);
        }
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<List<String>> rest = Arbitraries.of(TOKENS).list().ofMaxSize(8);
        Arbitrary<List<String>> start = Arbitraries.of(List.of("client", "add"), List.of("client", "import"),
                List.of("--home", "/h", "client", "add"), List.of("--home=/h", "client", "import"), List.of());
        Arbitrary<List<String>> random = start.flatMap(s -> rest.map(r -> {
            List<String> all = new java.util.ArrayList<>(s);
            all.addAll(r);
            return all;
        }));
        // well-formed lines, shuffled, with now and then one awkward token: most of these are accepted
        Arbitrary<List<List<String>>> pieces = Arbitraries.<List<String>>of(List.of("--type", "hermit"), List.of("--type=subnet"),
                List.of("--os", "macos"), List.of("--email", "a@example.net"), List.of("--json"), List.of("--home", "/h"),
                List.of("--home=/tmp/h2"), List.of("--threads", "3"), List.of("--threads=007"), List.of("alice"),
                List.of("c.csv"), List.of("--"), List.of("-h"), List.of("--email="), List.of("--type", "-x"))
                .list().ofMaxSize(5);
        Arbitrary<List<String>> formed = Arbitraries.of("add", "import").flatMap(verb -> pieces.map(ps -> {
            List<String> all = new java.util.ArrayList<>();
            ps.forEach(all::addAll);
            all.add(verb.equals("add") ? "--type" : "--threads");
            all.add(verb.equals("add") ? "subnet" : "2");
            all.add("bob.1");
            java.util.Collections.shuffle(all, new java.util.Random(all.hashCode()));
            all.add(0, verb);
            all.add(0, "client");
            return all;
        }));
        return Arbitraries.oneOf(random, formed);
    }

    @Example
    void takesThePlainLinesScriptsUse() {
        Context c = context();
        Runnable add = QuickArgs.parse(c, new String[] {"client", "add", "alice", "--type", "subnet", "--os=windows",
            "--email", "a@example.net", "--home", "/srv/broker", "--json"});
        assertThat(add).isInstanceOf(ClientCommands.Add.class);
        ClientCommands.Add a = (ClientCommands.Add) add;
        assertThat(List.of(a.name, a.type, a.os, a.email)).containsExactly("alice", "subnet", "windows", "a@example.net");
        assertThat(a.json).isTrue();
        assertThat(c.homeDir).isEqualTo(Path.of("/srv/broker"));

        Runnable in = QuickArgs.parse(c, new String[] {"--home", "/h", "client", "import", "c.csv", "--threads", "2"});
        assertThat(in).isInstanceOf(ClientCommands.Import.class);
        assertThat(((ClientCommands.Import) in).threads).isEqualTo(2);
    }

    @Example
    void leavesHelpMistakesAndEverythingElseToPicocli() {
        for (String[] line : List.of(
                new String[] {"client", "add", "--help"},
                new String[] {"client", "add", "alice"},                              // --type missing
                new String[] {"client", "add", "alice", "--type", "hermit", "--type", "subnet"},
                new String[] {"client", "add", "alice", "bob", "--type", "hermit"},
                new String[] {"client", "add", "alice", "--type", "hermit", "--colour", "red"},
                new String[] {"client", "add", "--", "alice", "--type", "hermit"},
                new String[] {"client", "import", "c.csv", "--threads", "-1"},
                new String[] {"client", "list"},
                new String[] {"client", "--home", "/h", "add", "alice", "--type", "hermit"})) {
            assertThat(QuickArgs.parse(context(), line)).as(String.join(" ", line)).isNull();
        }
    }

    private static Context context() {
        return new Context(Clock.systemUTC(), () -> RANDOM, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false);
    }
}
