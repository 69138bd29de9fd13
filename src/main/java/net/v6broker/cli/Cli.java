package net.v6broker.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.v6broker.error.BrokerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The command line: the command tree and, in one table, the exit code of every failure. */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int EXHAUSTED = 5;
    public static final int NO_HOME = 6;

    private Cli() {
    }

    /** The exit code of a failure, and the one place that decides it: by its kind; anything else is a bug (1). */
    static int exitCode(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return INVALID;
        }
        if (!(e instanceof BrokerException b)) {
            return FAILED;
        }
        return switch (b.kind()) {
            case INVALID_INPUT, INVALID_JSON -> INVALID;
            case CLIENT_NOT_FOUND, NOT_FOUND -> NOT_FOUND;
            case CONFLICT, EXPORT_REFUSED -> CONFLICT;
            case EXHAUSTED -> EXHAUSTED;
            case NO_HOME, NO_DATABASE -> NO_HOME;
            default -> FAILED;
        };
    }

    /** The context a command line runs in: real or, in tests, a fixed clock and captured output. */
    public static Context context(java.time.Clock clock, java.security.SecureRandom random, java.io.PrintWriter out,
                                  java.io.PrintWriter err, boolean terminal) {
        return new Context(clock, () -> random, out, err, terminal);
    }

    /** As above, with the randomness made on first use (by whichever thread needs it first). */
    public static Context context(java.time.Clock clock, java.util.function.Supplier<java.security.SecureRandom> random,
                                  java.io.PrintWriter out, java.io.PrintWriter err, boolean terminal) {
        return new Context(clock, random, out, err, terminal);
    }

    /**
     * The top-level commands, in the order help lists them; {@link #command} builds each. Building a
     * command's picocli model reflects over its annotated class (1-3 ms per class on a cold JVM, and
     * the first annotation costs some 20 ms more), so a call builds only the command its arguments
     * name and, of a group, only the named subcommand; help and mistyped names get the whole tree.
     */
    private static final List<String> COMMANDS = List.of("init", "client", "server", "ca", "node", "db", "serve",
            "status", "token", "link", "doctor", "check");

    /** Runs one command line and returns its exit code. */
    public static int run(Context context, String... args) {
        Runnable quick = QuickArgs.parse(context, args);
        if (quick != null) {
            try {
                quick.run();
                return OK;
            } catch (Exception e) { // as picocli's execution exception handler below
                return failed(context, e);
            } finally {
                context.close();
            }
        }
        CommandLine cl = commandLine(context, args);
        cl.setOut(context.out);
        cl.setErr(context.err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> failed(context, e));
        cl.setParameterExceptionHandler((e, args2) -> {
            context.err.println("v6broker: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, context.err);
            context.err.println("(see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return INVALID;
        });
        try {
            return cl.execute(args);
        } finally {
            context.close();
        }
    }

    /** Reports a command's failure and returns its exit code. */
    private static int failed(Context context, Exception e) {
        context.err.println("v6broker: " + message(e));
        return exitCode(e);
    }

    /** The picocli tree for {@code args}: only the command they name, or all of them (help, mistakes). */
    static CommandLine commandLine(Context context, String[] args) {
        List<String> named = named(args);
        String only = named.isEmpty() || !COMMANDS.contains(named.get(0)) ? null : named.get(0);
        String subcommand = only != null && named.size() > 1 ? named.get(1) : null;
        CommandLine cl = new CommandLine(new Root(context));
        for (String name : COMMANDS) {
            if (only == null || only.equals(name)) {
                cl.addSubcommand(name, command(context, name, subcommand));
            }
        }
        withHelp(cl);
        return cl;
    }

    /** Every command and subcommand answers {@code --help} and {@code --version}. */
    private static void withHelp(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        for (CommandLine sub : cl.getSubcommands().values()) {
            withHelp(sub);
        }
    }

    /** A top-level command; of a group, only {@code subcommand} if it names one of its subcommands. */
    private static CommandLine command(Context c, String name, String subcommand) {
        return switch (name) {
            case "init" -> new CommandLine(new InitCommand(c));
            case "client" -> group(new ClientCommands(c), ClientCommands.subcommands(c), subcommand);
            case "server" -> group(new ServerCommands(c), ServerCommands.subcommands(c), subcommand);
            case "ca" -> group(new CaCommands(c), List.of(new CaCommands.Cert(c), new CaCommands.Crl(c)), subcommand);
            case "node" -> group(new NodeCommands(c), List.of(new NodeCommands.Add(c)), subcommand);
            case "db" -> group(new DbCommands(c), List.of(new DbCommands.MigrateTo(c)), subcommand);
            case "serve" -> new CommandLine(new ServeCommand(c));
            case "status" -> new CommandLine(new StatusCommand(c));
            case "token" -> group(new TokenCommands(c), TokenCommands.subcommands(c), subcommand);
            case "link" -> group(new LinkCommands(c), LinkCommands.subcommands(c), subcommand);
            case "doctor" -> new CommandLine(new DoctorCommand(c));
            case "check" -> new CommandLine(new CheckCommand(c));
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    private static CommandLine group(Object group, List<Object> subcommands, String only) {
        CommandLine cl = new CommandLine(group);
        boolean known = subcommands.stream().anyMatch(s -> name(s).equals(only));
        for (Object sub : subcommands) {
            if (!known || name(sub).equals(only)) {
                CommandLine c = new CommandLine(sub);
                if (sub instanceof ClientCommands.Change change) {
                    c.getCommandSpec().usageMessage().description(change.description());
                }
                cl.addSubcommand(name(sub), c);
            }
        }
        return cl;
    }

    private static String name(Object command) {
        return command instanceof ClientCommands.Change change ? change.verb()
                : command.getClass().getAnnotation(Command.class).name();
    }

    /**
     * The first two arguments that are neither options nor the value of {@code --home} (the only
     * option before a subcommand that takes a value): the command and subcommand they name.
     */
    static List<String> named(String[] args) {
        List<String> named = new ArrayList<>(2);
        for (int i = 0; i < args.length && named.size() < 2; i++) {
            if (args[i].equals("--home")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                named.add(args[i]);
            }
        }
        return named;
    }

    /** What a failure prints: the message of a reported failure, the whole exception of a bug. */
    private static String message(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause().getMessage();
        }
        return e instanceof BrokerException ? e.getMessage() : e.toString();
    }

    @Command(name = "v6broker", mixinStandardHelpOptions = true, version = "v6broker 0.1",
            description = "IPv6 tunnel broker on OpenVPN: fixed public addresses and routed prefixes for IPv4-only clients.",
            subcommandsRepeatable = false)
    static final class Root implements Runnable {
        private final Context context;

        Root(Context context) {
            this.context = context;
        }

        @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
                defaultValue = "${env:V6BROKER_HOME:-broker-home}",
                description = "The broker home (default: $V6BROKER_HOME or ./broker-home).")
        void home(Path dir) {
            context.homeDir = dir;
        }

        @Override
        public void run() {
            throw new CommandLine.ParameterException(new CommandLine(this), "missing command: init, client, ca, server");
        }
    }
}
