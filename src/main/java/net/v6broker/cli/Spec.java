package net.v6broker.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.config.Validation;
import net.v6broker.error.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One command of the command line, declared with picocli's programmatic model: its name, help,
 * options and positionals, its subcommands, and what it does. Programmatic, not annotated: picocli
 * reads annotations by reflection (dynamic proxies, generic signatures), which costs a short command
 * time on a cold JVM before the first option is read (docs/decisions.md, 20). Every command gets
 * {@code --help} and {@code --version}.
 *
 * <p>Not thread-safe: built once per command line.
 */
final class Spec {
    /** What a command does with its parsed arguments; returns the exit code. */
    @FunctionalInterface
    interface Action {
        int run(Args args) throws Exception;
    }

    private final CommandSpec spec;
    private final List<Spec> subcommands = new ArrayList<>();
    private int positionals;

    private Spec(String name, Action action, String... description) {
        this.spec = CommandSpec.wrapWithoutInspection(new Run(this, action));
        spec.name(name);
        spec.usageMessage().description(description);
        // picocli's own mixinStandardHelpOptions reflects over an annotated class for each command
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).description("Print version information and exit.")
                .build());
        spec.version("v6broker 0.1");
    }

    /** A command that runs {@code action}. */
    static Spec command(String name, Action action, String... description) {
        return new Spec(name, action, description);
    }

    /** A group of subcommands; run without one, it says which it has. */
    static Spec group(String name, String... description) {
        Spec[] self = new Spec[1];
        self[0] = new Spec(name, a -> {
            throw new CommandLine.ParameterException(a.commandLine(), "missing subcommand: " + String.join(", ",
                    self[0].subcommands.stream().map(s -> s.spec.name()).toList()));
        }, description);
        return self[0];
    }

    /** The next positional parameter, required. */
    Spec positional(String label, String description) {
        spec.addPositional(PositionalParamSpec.builder().index(Integer.toString(positionals++)).paramLabel(label)
                .type(String.class).description(description == null ? new String[0] : new String[] {description}).build());
        return this;
    }

    /** The next positional parameter, which may be left out (then its value is null). */
    Spec optionalPositional(String label, String description) {
        spec.addPositional(PositionalParamSpec.builder().index(Integer.toString(positionals++)).arity("0..1").paramLabel(label)
                .type(String.class).description(description == null ? new String[0] : new String[] {description}).build());
        return this;
    }

    /** All further arguments, as they stand (none or more). */
    Spec rest(String label) {
        spec.addPositional(PositionalParamSpec.builder().index(positionals++ + "..*").arity("0..*").paramLabel(label)
                .type(List.class).auxiliaryTypes(String.class).build());
        return this;
    }

    /** An option with a value; {@code defaultValue} may be null (then the value is null when absent). */
    Spec option(String name, String label, String defaultValue, String... description) {
        spec.addOption(OptionSpec.builder(name).paramLabel(label).type(String.class).defaultValue(defaultValue)
                .description(description).build());
        return this;
    }

    /** An option that must be given. */
    Spec required(String name, String label, String... description) {
        spec.addOption(OptionSpec.builder(name).paramLabel(label).type(String.class).required(true).description(description).build());
        return this;
    }

    /** An option without a value, false unless given. */
    Spec flag(String name, String... description) {
        spec.addOption(OptionSpec.builder(name).type(boolean.class).arity("0").description(description).build());
        return this;
    }

    /** An option every subcommand inherits (the root's {@code --home}). */
    Spec inherited(String name, String label, String defaultValue, String... description) {
        spec.addOption(OptionSpec.builder(name).paramLabel(label).type(String.class).defaultValue(defaultValue)
                .scopeType(CommandLine.ScopeType.INHERIT).description(description).build());
        return this;
    }

    Spec sub(Spec child) {
        subcommands.add(child);
        spec.addSubcommand(child.spec.name(), new CommandLine(child.spec));
        return this;
    }

    CommandSpec spec() {
        return spec;
    }

    /** picocli's user object of a command: it runs the action with the parsed values. */
    static final class Run {
        private final Spec command;
        private final Action action;

        private Run(Spec command, Action action) {
            this.command = command;
            this.action = action;
        }

        int call() throws Exception {
            return action.run(new Args(command.spec));
        }
    }

    /** The values of a parsed command (and of the options it inherits), as picocli bound them. */
    static final class Args {
        private final CommandSpec spec;

        private Args(CommandSpec spec) {
            this.spec = spec;
        }

        CommandLine commandLine() {
            return spec.commandLine();
        }

        /** An option's value: as given, else its default, else null. */
        String value(String option) {
            return spec.findOption(option).getValue();
        }

        boolean flag(String option) {
            return Boolean.TRUE.equals(spec.findOption(option).getValue());
        }

        Path path(String option) {
            String v = value(option);
            return v == null ? null : Path.of(v);
        }

        /** An option's whole-number value within {@code min..max}, or {@code dflt} when absent. */
        int integer(String option, int dflt, int min, int max) {
            String v = value(option);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new InvalidInputException(option + " " + Validation.quote(v) + ": accepted a whole number " + min + ".." + max);
        }

        /** The values of a {@link Spec#rest} positional at {@code index}; empty when none was given. */
        List<String> rest(int index) {
            List<String> v = spec.positionalParameters().get(index).getValue();
            return v == null ? List.of() : v;
        }

        /** The positional parameter at {@code index}. */
        String positional(int index) {
            return spec.positionalParameters().get(index).getValue();
        }
    }
}
