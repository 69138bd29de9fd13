package net.v6broker.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two commands scripts call by the thousand, {@code client add} and {@code client import},
 * recognised without picocli when their arguments are plain: building picocli's model reflects over
 * annotations and took about 45 ms of a 200 ms {@code client add} on a cold JVM
 * (docs/decisions.md, 17).
 *
 * <p>It recognises a strict subset of what picocli accepts and declines everything else: help,
 * {@code --}, an unknown or repeated option, a missing required one, a value that starts with
 * {@code -}, a missing or extra positional. Declined means picocli parses the line as before, so
 * every error message and all help still come from picocli alone. What it accepts it must parse
 * exactly as picocli does; {@code QuickArgsTest} checks that against picocli for generated lines.
 * It fills the same command objects picocli would, which then run unchanged.
 */
final class QuickArgs {
    /** Options that take a value, per command; {@code --home} is everyone's (picocli: inherited). */
    private static final Set<String> ADD_VALUES = Set.of("--home", "--type", "--os", "--email");
    private static final Set<String> IMPORT_VALUES = Set.of("--home", "--threads");
    private static final Pattern THREADS = Pattern.compile("[0-9]{1,6}");

    private QuickArgs() {
    }

    /** The command to run, its fields set as picocli would set them; null to leave the line to picocli. */
    static Runnable parse(Context context, String[] args) {
        int command = -1;
        for (int i = 0; i < args.length; i++) { // "client" first, with only --home before it
            if (args[i].equals("--home") && i + 1 < args.length) {
                i++;
            } else if (args[i].startsWith("--home=")) {
                continue;
            } else {
                command = i;
                break;
            }
        }
        if (command < 0 || command + 1 >= args.length || !args[command].equals("client")) {
            return null;
        }
        String verb = args[command + 1];
        if (!verb.equals("add") && !verb.equals("import")) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        String positional = null;
        boolean json = false;
        Set<String> valued = verb.equals("add") ? ADD_VALUES : IMPORT_VALUES;
        for (int i = 0; i < args.length; i++) {
            if (i == command || i == command + 1) {
                continue;
            }
            String a = args[i];
            if (!a.startsWith("-")) {
                if (i < command || positional != null) {
                    return null; // a second positional: picocli reports it
                }
                positional = a;
                continue;
            }
            if (a.equals("--json") && verb.equals("add") && !json) {
                json = true;
                continue;
            }
            int eq = a.indexOf('=');
            String option = eq < 0 ? a : a.substring(0, eq);
            if (!valued.contains(option) || values.containsKey(option) || (i < command && !option.equals("--home"))) {
                return null; // unknown, repeated, or not allowed here
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return null; // missing value, or one picocli might read as an option
            }
            if (value.isEmpty() || value.startsWith("-")) {
                return null;
            }
            values.put(option, value);
        }
        if (positional == null || positional.isEmpty()) {
            return null;
        }
        String home = values.get("--home");
        if (home == null) {
            home = System.getenv("V6BROKER_HOME");
            if (home != null && home.isEmpty()) {
                return null; // picocli's ${env:...:-default} interpolation decides that one
            }
        }
        context.homeDir = Path.of(home == null ? "broker-home" : home);
        if (verb.equals("add")) {
            if (!values.containsKey("--type")) {
                return null;
            }
            ClientCommands.Add add = new ClientCommands.Add(context);
            add.name = positional;
            add.type = values.get("--type");
            add.os = values.getOrDefault("--os", "linux");
            add.email = values.get("--email");
            add.json = json;
            return add;
        }
        ClientCommands.Import in = new ClientCommands.Import(context);
        in.file = Path.of(positional);
        if (values.containsKey("--threads")) {
            if (!THREADS.matcher(values.get("--threads")).matches()) {
                return null;
            }
            in.threads = Integer.parseInt(values.get("--threads"));
        }
        return in;
    }
}
