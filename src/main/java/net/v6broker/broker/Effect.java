package net.v6broker.broker;

/**
 * What must happen outside the database after a change has committed. The broker returns these
 * as values; the caller (the CLI, the daemon, the API) applies them. The domain touches no file
 * and no socket.
 */
public sealed interface Effect permits Effect.PublishCrl, Effect.EndSession, Effect.ClientFileChanged {

    /** A new CRL was issued: write it where OpenVPN reads it. */
    record PublishCrl(long number) implements Effect {
    }

    /** A live session of this client, if any, must end now (revoke, suspend, delete). */
    record EndSession(String client) implements Effect {
    }

    /** This client's server-side file must be rewritten or removed. */
    record ClientFileChanged(String client) implements Effect {
    }
}
