package net.v6broker.cli;

import net.v6broker.error.InvalidInputException;

import java.nio.file.Path;
import java.util.List;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "server", mixinStandardHelpOptions = true, description = "Render the OpenVPN server side and keep rendered directories in step.")
final class ServerCommands implements Runnable {
    private final Context context;

    ServerCommands(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand: config, dirs, forget");
    }

    static List<Object> subcommands(Context c) {
        return List.of(new Config(c), new Dirs(c), new Forget(c));
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = {
        "Write an OpenVPN server directory for the active clients; later changes",
        "keep it in step. shared (default): DIR/server.conf, one instance for all,",
        "and DIR/ccd/NAME per client. per-client (the seed's): DIR/NAME.conf and",
        "DIR/NAME.up per client on UDP port openvpn.portBase + id, a systemd unit",
        "template and units.txt."})
    static final class Config implements Runnable {
        private final Context context;
        @Option(names = "--layout", defaultValue = "shared", paramLabel = "shared|per-client",
                description = "Server layout (default: shared).")
        String layout;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "The directory to write (created if missing).")
        Path out;

        Config(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Layout l = Layout.parse(layout);
            ServerDirs dirs = new ServerDirs(context.home(), context.config());
            ServerDirs.Rendered r = dirs.render(out, l, context.broker().list());
            context.out.printf("wrote %s server config to %s: %d active client%s%s%n", r.layout().cliName(), r.dir(),
                    r.clients(), r.clients() == 1 ? "" : "s", r.removed() > 0 ? ", " + r.removed() + " stale file(s) removed" : "");
            if (l == Layout.SHARED) {
                context.out.printf("start it with: openvpn --config %s%n", r.dir().resolve("server.conf"));
            } else {
                context.out.printf("start each client's instance with: openvpn --config %s (see %s)%n",
                        r.dir().resolve("NAME.conf"), r.dir().resolve("units.txt"));
            }
        }
    }

    @Command(name = "dirs", mixinStandardHelpOptions = true, description = "List the server directories this home keeps in step.")
    static final class Dirs implements Runnable {
        private final Context context;

        Dirs(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            for (ServerDirs.Recorded r : new ServerDirs(context.home(), context.config()).recorded()) {
                context.out.printf("%-10s %s%n", r.layout().cliName(), r.path());
            }
        }
    }

    @Command(name = "forget", mixinStandardHelpOptions = true, description = "Stop keeping a server directory in step (its files stay).")
    static final class Forget implements Runnable {
        private final Context context;
        @Parameters(index = "0", paramLabel = "DIR")
        Path dir;

        Forget(Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (!new ServerDirs(context.home(), context.config()).forget(dir)) {
                throw new InvalidInputException(dir.toAbsolutePath().normalize()
                        + " is not a recorded server directory (see 'v6broker server dirs')");
            }
            context.out.printf("forgot %s%n", dir.toAbsolutePath().normalize());
        }
    }
}
