package net.v6broker.cli;

/**
 * How the libraries' slf4j logging is set up; only the daemon logs on its own account.
 *
 * <p>Chosen once, as the command line starts ({@link #forCommand}), through the system properties
 * that slf4j and slf4j-simple read when the first logger is made, whichever library makes it on
 * whichever thread. A property given on the {@code java} command line wins.
 *
 * <ul>
 *   <li>{@code serve}: slf4j-simple, configured by simplelogger.properties, each line with its time
 *       to the millisecond;
 *   <li>every other command: {@link CommandLogging}, warnings and errors only, without a time.
 * </ul>
 *
 * <p>The provider is named, not looked up: slf4j's lookup is a service search that opens and
 * indexes the 16,000-entry jar (docs/decisions.md, 18). The daemon's time format is a property set
 * here, not a line of simplelogger.properties: there it makes slf4j-simple build a
 * {@code SimpleDateFormat} in every command, which on a cold JVM parses every locale tag the JDK
 * knows.
 */
public final class Logging {
    private Logging() {
    }

    /** Sets up logging for the command line {@code args}, before anything logs. */
    public static void forCommand(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) {
            setIfAbsent("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
            setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        } else {
            setIfAbsent("slf4j.provider", CommandLogging.class.getName());
        }
        setIfAbsent("slf4j.internal.verbosity", "WARN"); // not slf4j's note on which provider it took
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
