package net.v6broker.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import net.v6broker.error.BrokerException;
import picocli.CommandLine;

/**
 * The command line: the command tree, parsed by picocli alone, and in one table the exit code of
 * every failure. What a command line names is learned once, from picocli's parse result: which
 * command runs, and whether it is the daemon (its logging is set up from that, before anything
 * logs).
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int EXHAUSTED = 5;
    public static final int NO_HOME = 6;

    /** The daemon's command: the one that runs for days, and logs on its own account. */
    static final String DAEMON = "serve";
    /** The option every command takes before or after its name. */
    static final String HOME = "--home";

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
    public static Context context(Clock clock, SecureRandom random, PrintWriter out, PrintWriter err, boolean terminal) {
        return new Context(clock, () -> random, out, err, terminal);
    }

    /** As above, with the randomness made on first use (by whichever thread needs it first). */
    public static Context context(Clock clock, Supplier<SecureRandom> random, PrintWriter out, PrintWriter err, boolean terminal) {
        return new Context(clock, random, out, err, terminal);
    }

    /**
     * Runs one command line and returns its exit code: picocli parses it, answers help and
     * version requests, and reports a mistake in it; the command it names then runs here, after its
     * logging is set up for what it is.
     */
    public static int run(Context context, String... args) {
        CommandLine cl = treeFor(context, args);
        cl.setOut(context.out);
        cl.setErr(context.err);
        try {
            CommandLine.ParseResult parsed = cl.parseArgs(args);
            if (CommandLine.executeHelpRequest(parsed) != null) {
                return OK;
            }
            Logging.forCommand(isDaemon(parsed));
            List<CommandLine> commands = parsed.asCommandLineList();
            CommandLine.Model.CommandSpec leaf = commands.get(commands.size() - 1).getCommandSpec();
            context.homeDir = Path.of(leaf.findOption(HOME).<String>getValue());
            return ((Spec.Run) leaf.userObject()).call();
        } catch (CommandLine.ParameterException e) {
            context.err.println("v6broker: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, context.err);
            context.err.println("(see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return INVALID;
        } catch (Exception e) {
            context.err.println("v6broker: " + message(e));
            return exitCode(e);
        } finally {
            context.close();
        }
    }

    /** Whether the parsed command line runs the daemon: the one place that decides it. */
    static boolean isDaemon(CommandLine.ParseResult parsed) {
        return parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals(DAEMON);
    }

    /**
     * What the launcher needs to know of the tree to pick the JVM's flags before Java runs: the
     * daemon's name and the options before a command that take a value, one per line
     * ({@code daemon serve}, {@code valued --home}). Written when the launcher prepares.
     */
    static String launchShape(Context context) {
        StringBuilder shape = new StringBuilder("daemon ").append(DAEMON).append('\n');
        for (CommandLine.Model.OptionSpec o : tree(context).getCommandSpec().options()) {
            if (o.arity().max() > 0) {
                for (String name : o.names()) {
                    shape.append("valued ").append(name).append('\n');
                }
            }
        }
        return shape.toString();
    }

    /** The top-level commands, in the order help lists them, each made by its class. */
    private static final Map<String, Function<Context, Spec>> COMMANDS = commands();

    private static Map<String, Function<Context, Spec>> commands() {
        Map<String, Function<Context, Spec>> m = new LinkedHashMap<>();
        m.put("init", InitCommand::spec);
        m.put("client", ClientCommands::spec);
        m.put("server", ServerCommands::spec);
        m.put("ca", CaCommands::spec);
        m.put("node", NodeCommands::spec);
        m.put("db", DbCommands::spec);
        m.put(DAEMON, ServeCommand::spec);
        m.put("status", StatusCommand::spec);
        m.put("token", TokenCommands::spec);
        m.put("link", LinkCommands::spec);
        m.put("doctor", DoctorCommand::spec);
        m.put("check", CheckCommand::spec);
        m.put("plan", PlanCommand::spec);
        m.put("audit", AuditCommand::spec);
        m.put("backup", BackupCommands::backup);
        m.put("restore", BackupCommands::restore);
        return Collections.unmodifiableMap(m);
    }

    /** The whole command tree. */
    static CommandLine tree(Context c) {
        return tree(c, COMMANDS.keySet());
    }

    /**
     * The tree a command line runs on: the root with only the top-level command it names (and all of
     * that command's subcommands), or the whole tree when it names none (help, a mistyped name: their
     * messages list or suggest every command). The branch parses the line exactly as the whole tree
     * does, since it is the same branch; building picocli's model of every command is slow on a
     * cold JVM, and a line runs one (docs/decisions.md, 20). Which command the line names is
     * picocli's answer too ({@link #commandNamed}).
     */
    static CommandLine treeFor(Context c, String[] args) {
        String named = commandNamed(args);
        return named != null && COMMANDS.containsKey(named) ? tree(c, List.of(named)) : tree(c);
    }

    private static CommandLine tree(Context c, Collection<String> names) {
        Spec root = rootOptions(Spec.group("v6broker",
                "IPv6 tunnel broker on OpenVPN: fixed public addresses and routed prefixes for IPv4-only clients."));
        for (String name : names) {
            root.sub(COMMANDS.get(name).apply(c));
        }
        return new CommandLine(root.spec());
    }

    /** The options of the root, which come before the command or after it. */
    private static Spec rootOptions(Spec root) {
        return root.inherited(HOME, "DIR", "${env:V6BROKER_HOME:-broker-home}",
                "The broker home (default: $V6BROKER_HOME or ./broker-home).");
    }

    /**
     * The first word of {@code args} that picocli reads as neither the root's option nor its value:
     * the command the line names, or null (none, or a mistake in the root's options, which the whole
     * tree then reports).
     */
    static String commandNamed(String[] args) {
        Spec root = rootOptions(Spec.command("v6broker", a -> OK)).rest("COMMAND");
        root.spec().parser().stopAtPositional(true);
        try {
            CommandLine.ParseResult parsed = new CommandLine(root.spec()).parseArgs(args);
            // picocli refuses an option's value that names a command (--home client): the whole tree says so
            if (parsed.matchedOptions().stream().anyMatch(o -> COMMANDS.containsKey(String.valueOf((Object) o.getValue())))) {
                return null;
            }
            List<String> rest = parsed.matchedPositionalValue(0, List.of());
            return rest.isEmpty() ? null : rest.get(0);
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    /** What a failure prints: the message of a reported failure, the whole exception of a bug. */
    private static String message(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause().getMessage();
        }
        return e instanceof BrokerException ? e.getMessage() : e.toString();
    }
}
