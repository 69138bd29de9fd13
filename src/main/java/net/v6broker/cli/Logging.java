package net.v6broker.cli;

/**
 * How the libraries' slf4j logging is set up: slf4j-simple, configured by simplelogger.properties
 * and by the system properties set here, once, before anything logs ({@link Cli} calls it with what
 * picocli parsed). A property given on the {@code java} command line wins.
 *
 * <ul>
 *   <li>the daemon ({@code serve}): info and up, each line with its time to the millisecond;
 *   <li>every other command: the libraries' warnings and errors only (Flyway migrating an old
 *       database, SQLite's driver), without a time: a command's own output is what it prints.
 * </ul>
 */
final class Logging {
    private Logging() {
    }

    /** Sets up logging for a command line that runs the daemon or not. */
    static void forCommand(boolean daemon) {
        setIfAbsent("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        setIfAbsent("slf4j.internal.verbosity", "WARN"); // not slf4j's note on which provider it took
        if (daemon) {
            setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
            setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        } else {
            setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
