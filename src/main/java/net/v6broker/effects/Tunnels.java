package net.v6broker.effects;

import java.util.Optional;
import net.v6broker.broker.Client;

/**
 * The tunnels of the process that applies effects. The daemon's are its openvpn: it ends sessions
 * over the management interface and, in the per-client layout, starts and stops a client's own
 * instance. The command line and the HTTP layer have none of their own ({@link #ELSEWHERE}): the
 * event their change appended reaches the daemon of every tunnel server, which ends the session
 * there, within its 200 ms event poll.
 */
public interface Tunnels {
    /** A client's state changed (its files are written already). */
    void clientChanged(String name, Optional<Client> client);

    /** Ends the client's live sessions; how many ended. */
    int endSessions(String name);

    /** Has every openvpn server of this process re-read its certificates (their files are written already). */
    void reloadServers();

    /** No tunnels in this process: the daemons apply the same effects from the event stream. */
    Tunnels ELSEWHERE = new Tunnels() {
        @Override
        public void clientChanged(String name, Optional<Client> client) {
            // the daemon's own concern
        }

        @Override
        public int endSessions(String name) {
            return 0;
        }

        @Override
        public void reloadServers() {
            // the daemon's own concern
        }
    };
}
