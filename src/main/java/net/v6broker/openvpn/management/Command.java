package net.v6broker.openvpn.management;

/**
 * The commands we send, rendered here and only here. Arguments are numbers or fixed words, so no
 * user-typed text ever reaches the management interface.
 */
public record Command(String text, boolean expectsBlock) {

    public static Command status() {
        return new Command("status 3", true);
    }

    /** Ends a session; HALT tells the client not to reconnect. */
    public static Command kill(long clientId) {
        if (clientId < 0) {
            throw new IllegalArgumentException("client id " + clientId + " is negative");
        }
        return new Command("client-kill " + clientId + " HALT", false);
    }

    public static Command bytecount(int seconds) {
        if (seconds < 0 || seconds > 3600) {
            throw new IllegalArgumentException("bytecount interval " + seconds + " out of range 0..3600");
        }
        return new Command("bytecount " + seconds, false);
    }

    public static Command version() {
        return new Command("version", true);
    }

    public static Command signal(String signal) {
        if (!signal.matches("SIGHUP|SIGTERM|SIGUSR1|SIGUSR2")) {
            throw new IllegalArgumentException("unknown signal '" + signal + "': accepted SIGHUP, SIGTERM, SIGUSR1, SIGUSR2");
        }
        return new Command("signal " + signal, false);
    }
}
