package net.v6broker.cli;

import net.v6broker.broker.ControlKeys;

import java.nio.file.Path;
import net.v6broker.error.InvalidInputException;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.ClientQuery;

/** {@code server config|dirs|forget}: the OpenVPN server directories this home keeps in step. */
final class ServerCommands {
    private ServerCommands() {
    }

    static Spec spec(Context c) {
        return Spec.group("server", "Render the OpenVPN server side and keep rendered directories in step.")
                .sub(config(c))
                .sub(Spec.command("dirs", a -> {
                    for (ServerDirs.Recorded r : new ServerDirs(c.home(), c.config()).recorded()) {
                        c.out.printf("%-10s %s%n", r.layout().cliName(), r.path());
                    }
                    return Cli.OK;
                }, "List the server directories this home keeps in step."))
                .sub(Spec.command("forget", a -> {
                    Path dir = Path.of(a.positional(0)).toAbsolutePath().normalize();
                    if (!new ServerDirs(c.home(), c.config()).forget(dir)) {
                        throw new InvalidInputException(dir + " is not a recorded server directory (see 'v6broker server dirs')");
                    }
                    c.out.printf("forgot %s%n", dir);
                    return Cli.OK;
                }, "Stop keeping a server directory in step (its files stay).")
                        .positional("DIR", null));
    }

    private static Spec config(Context c) {
        return Spec.command("config", a -> {
            Layout l = Layout.parse(a.value("--layout"));
            ServerDirs.Rendered r = new ServerDirs(c.home(), c.config(),
                    () -> ControlKeys.serverKey(c.store(), c.random())).render(a.path("--out"), l, c.broker().walk(ClientQuery.ALL));
            c.out.printf("wrote %s server config to %s: %d active client%s%s, %d file(s) changed%n", r.layout().cliName(), r.dir(),
                    r.clients(), r.clients() == 1 ? "" : "s", r.removed() > 0 ? ", " + r.removed() + " stale file(s) removed" : "",
                    r.written());
            if (l == Layout.SHARED) {
                c.out.printf("start it with: openvpn --config %s%n", r.dir().resolve("server.conf"));
            } else {
                c.out.printf("start each client's instance with: openvpn --config %s (see %s)%n",
                        r.dir().resolve("NAME.conf"), r.dir().resolve("units.txt"));
            }
            return Cli.OK;
        }, "Write an OpenVPN server directory for the active clients; later changes",
                "keep it in step. shared (default): DIR/server.conf, one instance for all,",
                "and DIR/ccd/NAME per client. per-client (the seed's): DIR/NAME.conf and",
                "DIR/NAME.up per client on UDP port openvpn.portBase + id, a systemd unit",
                "template and units.txt.")
                .option("--layout", "shared|per-client", "shared", "Server layout (default: shared).")
                .required("--out", "DIR", "The directory to write (created if missing).");
    }
}
