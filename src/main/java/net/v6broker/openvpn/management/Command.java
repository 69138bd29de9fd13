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

    /**
     * Restarts the instance in its process: it re-reads its configuration, certificate and key. A
     * UDP server with {@code explicit-exit-notify} tells its clients to reconnect at once.
     */
    public static Command reload() {
        return new Command("signal SIGHUP", false);
    }
}
