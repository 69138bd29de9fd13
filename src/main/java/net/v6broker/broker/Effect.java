package net.v6broker.broker;

import java.util.Objects;
import java.util.Optional;
import net.v6broker.store.CrlRow;

/**
 * What must happen outside the database once a change has committed, carrying what its applier
 * needs, so that no applier reads the database again to learn what the change had. Derived from the
 * change's events in one place ({@link Effects#of}); applied by one applier
 * ({@code effects.EffectApplier}), in this process after the broker's change, and by every daemon
 * from the event stream. The domain touches no file and no socket.
 */
public sealed interface Effect permits Effect.ClientChanged, Effect.EndSession, Effect.PublishCrl, Effect.ServerFilesChanged {

    /**
     * The client's server-side files must show this state: written while it is active, removed
     * while it is not.
     *
     * @param client the client as the change left it; empty once deleted
     */
    record ClientChanged(String name, Optional<Client> client) implements Effect {
        public ClientChanged {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(client, "client");
        }
    }

    /** The client's live sessions must end now: it is revoked, suspended or deleted. */
    record EndSession(String name) implements Effect {
        public EndSession {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The home's CA certificates or server certificate changed (a CA rollover, a renewed server
     * certificate): every server directory must get them, and openvpn must re-read them.
     */
    record ServerFilesChanged() implements Effect {
    }

    /** This CRL must be where OpenVPN reads it (unless a newer one is there already). */
    record PublishCrl(CrlRow crl) implements Effect {
        public PublishCrl {
            Objects.requireNonNull(crl, "crl");
        }
    }
}
