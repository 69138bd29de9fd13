package net.v6broker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A call builds only the command its arguments name (for start-up time); these pin that help and
 * mistakes still see the whole tree, and that the name is found wherever {@code --home} stands.
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
    void findsTheCommandAndSubcommandPastHomeAndOptions() {
        assertThat(Cli.named(new String[] {"--home", "client", "client", "add", "x"})).containsExactly("client", "add");
        assertThat(Cli.named(new String[] {"client", "--home=/h", "add", "--type", "hermit"})).containsExactly("client", "add");
        assertThat(Cli.named(new String[] {"-h"})).isEmpty();
    }
}
