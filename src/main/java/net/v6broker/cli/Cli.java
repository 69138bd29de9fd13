package net.v6broker.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import net.v6broker.broker.ClientNotFoundException;
import net.v6broker.broker.ConflictException;
import net.v6broker.ca.CaException;
import net.v6broker.config.HomeException;
import net.v6broker.ipam.PoolExhaustedException;
import net.v6broker.link.LinkConflictException;
import net.v6broker.link.LinkNotFoundException;
import net.v6broker.openvpn.ExportRefusedException;
import net.v6broker.openvpn.LayoutConflictException;
import net.v6broker.openvpn.PortOutOfRangeException;
import net.v6broker.store.StoreException;
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

    /** The exit code of a failure, and the one place that decides it. */
    static int exitCode(Throwable e) {
        if (e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException) {
            return INVALID;
        } else if (e instanceof ClientNotFoundException || e instanceof LinkNotFoundException) {
            return NOT_FOUND;
        } else if (e instanceof ConflictException || e instanceof ExportRefusedException
                || e instanceof LayoutConflictException || e instanceof LinkConflictException) {
            return CONFLICT;
        } else if (e instanceof PoolExhaustedException || e instanceof PortOutOfRangeException) {
            return EXHAUSTED;
        } else if (e instanceof HomeException) {
            return NO_HOME;
        }
        return FAILED;
    }

    /** The context a command line runs in: real or, in tests, a fixed clock and captured output. */
    public static Context context(java.time.Clock clock, java.security.SecureRandom random, java.io.PrintWriter out,
                                  java.io.PrintWriter err, boolean terminal) {
        return new Context(clock, random, out, err, terminal);
    }

    /** Runs one command line and returns its exit code. */
    public static int run(Context context, String... args) {
        CommandLine cl = new CommandLine(new Root(context));
        cl.addSubcommand(new InitCommand(context));
        CommandLine client = new CommandLine(new ClientCommands(context));
        for (Object sub : ClientCommands.subcommands(context)) {
            if (sub instanceof ClientCommands.Change change) {
                CommandLine c = new CommandLine(change);
                c.getCommandSpec().usageMessage().description(change.description());
                client.addSubcommand(change.verb(), c);
            } else {
                client.addSubcommand(sub);
            }
        }
        client.addSubcommand(new ExportCommand(context));
        cl.addSubcommand(client);
        CommandLine server = new CommandLine(new ServerCommands(context));
        ServerCommands.subcommands(context).forEach(server::addSubcommand);
        cl.addSubcommand(server);
        CommandLine ca = new CommandLine(new CaCommands(context));
        ca.addSubcommand(new CaCommands.Cert(context));
        ca.addSubcommand(new CaCommands.Crl(context));
        cl.addSubcommand(ca);
        CommandLine node = new CommandLine(new NodeCommands(context));
        node.addSubcommand(new NodeCommands.Add(context));
        cl.addSubcommand(node);
        CommandLine db = new CommandLine(new DbCommands(context));
        db.addSubcommand(new DbCommands.MigrateTo(context));
        cl.addSubcommand(db);
        cl.addSubcommand(new ServeCommand(context));
        cl.addSubcommand(new StatusCommand(context));
        CommandLine token = new CommandLine(new TokenCommands(context));
        TokenCommands.subcommands(context).forEach(token::addSubcommand);
        cl.addSubcommand(token);
        CommandLine link = new CommandLine(new LinkCommands(context));
        LinkCommands.subcommands(context).forEach(link::addSubcommand);
        cl.addSubcommand(link);
        cl.addSubcommand(new DoctorCommand(context));
        cl.addSubcommand(new CheckCommand(context));
        cl.setOut(context.out);
        cl.setErr(context.err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            context.err.println("v6broker: " + message(e));
            return exitCode(e);
        });
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

    private static String message(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return u.getMessage() + ": " + u.getCause().getMessage();
        }
        if (e instanceof StoreException || e instanceof CaException || e instanceof IllegalArgumentException
                || e instanceof HomeException || e instanceof ClientNotFoundException || e instanceof ConflictException
                || e instanceof PoolExhaustedException || e instanceof ExportRefusedException
                || e instanceof LayoutConflictException || e instanceof PortOutOfRangeException
                || e instanceof LinkConflictException || e instanceof LinkNotFoundException) {
            return e.getMessage();
        }
        return e.toString();
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
