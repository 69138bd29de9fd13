package net.v6broker.cli;

import net.v6broker.CliRunner;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command tree as picocli parses it: help and mistakes see every command, and whether a line
 * runs the daemon is read from the parse, wherever {@code --home} stands.
 */
class CommandTreeTest {

    @Test
    void helpListsEveryCommand() {
        CliRunner.Run help = CliRunner.run("--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("init", "client", "server", "ca", "serve", "status", "token", "link", "doctor");
    }

    @Test
    void aMistypedCommandOrSubcommandIsStillMatchedAgainstAllOfThem() {
        CliRunner.Run command = CliRunner.run("clinet", "list");
        CliRunner.Run subcommand = CliRunner.run("client", "ad", "alice");

        assertThat(command.code()).isEqualTo(Cli.INVALID);
        assertThat(command.err()).contains("Did you mean:", "v6broker client");
        assertThat(subcommand.code()).isEqualTo(Cli.INVALID);
        assertThat(subcommand.err()).contains("Did you mean: client add?");
    }

    @Test
    void theDaemonIsTheParsedCommandNotTheFirstArgument() {
        assertThat(isDaemon("serve", "--home", "/h")).isTrue();
        assertThat(isDaemon("--home", "/h", "serve", "--no-openvpn")).as("regression: --home first ran serve as a short command")
                .isTrue();
        assertThat(isDaemon("--home=/h", "serve")).isTrue();
        assertThat(isDaemon("--home", "./serve", "client", "list")).as("a home named serve").isFalse();
        assertThat(isDaemon("client", "show", "serve")).as("a client named serve").isFalse();
    }

    @Test
    void theCommandALineNamesIsPicoclisReadingOfTheRootsOptions() {
        assertThat(Cli.commandNamed(new String[] {"--home", "/h", "client", "add", "x"})).isEqualTo("client");
        assertThat(Cli.commandNamed(new String[] {"--home=/h", "serve"})).isEqualTo("serve");
        assertThat(Cli.commandNamed(new String[] {"client", "--home", "/h", "list"})).isEqualTo("client");
        assertThat(Cli.commandNamed(new String[] {"--home", "client", "status"})).as("a home named as a command").isNull();
        assertThat(CliRunner.run("--home", "client", "status").err()).contains("Expected parameter for option '--home'");
        assertThat(Cli.commandNamed(new String[] {"-h"})).isNull();
        assertThat(Cli.commandNamed(new String[] {"--bogus", "client", "list"})).isNull();
        assertThat(Cli.commandNamed(new String[0])).isNull();
    }

    @Test
    void aLineNamingACommandParsesOnItsBranchAsOnTheWholeTree() {
        Context c = Cli.context(Clock.systemUTC(), new SecureRandom(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false);
        String[] line = {"--home", "/h", "client", "add", "alice", "--type", "subnet", "--os=windows"};

        CommandLine.ParseResult branch = Cli.treeFor(c, line).parseArgs(line);
        CommandLine.ParseResult whole = Cli.tree(c).parseArgs(line);

        assertThat(Cli.treeFor(c, line).getSubcommands()).containsOnlyKeys("client");
        assertThat(branch.asCommandLineList().stream().map(l -> l.getCommandSpec().qualifiedName()).toList())
                .isEqualTo(whole.asCommandLineList().stream().map(l -> l.getCommandSpec().qualifiedName()).toList())
                .containsExactly("v6broker", "v6broker client", "v6broker client add");
        assertThat(branch.subcommand().subcommand().matchedOptions().stream().map(o -> o.longestName() + "=" + o.getValue()).toList())
                .isEqualTo(whole.subcommand().subcommand().matchedOptions().stream().map(o -> o.longestName() + "=" + o.getValue())
                        .toList());
    }

    private static boolean isDaemon(String... args) {
        Context c = Cli.context(Clock.systemUTC(), new SecureRandom(), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), false);
        return Cli.isDaemon(Cli.tree(c).parseArgs(args));
    }
}
