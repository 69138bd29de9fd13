package net.v6broker.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.v6broker.client.ClientStatus;
import net.v6broker.store.CrlRow;
import net.v6broker.store.EventKind;

/**
 * The one place that derives what an event causes: the broker for the events its own change
 * appends, every daemon for the events it reads. So the CLI, the HTTP layer and each tunnel server
 * do the same for the same change, and no string decides it a second time.
 */
public final class Effects {
    private Effects() {
    }

    /**
     * The effects of one event.
     *
     * @param client the client as it is now (after the change, or as the daemon reads it); empty
     *               when it was deleted
     * @param crl    the CRL a {@code crl} event issued (the newest one, for a daemon)
     */
    public static List<Effect> of(EventKind kind, String clientName, Optional<Client> client, Supplier<CrlRow> crl) {
        List<Effect> out = new ArrayList<>(2);
        switch (kind) {
            case ADD, RESUME, RENEW -> out.add(new Effect.ClientChanged(clientName, client));
            case SUSPEND, REVOKE, DELETE -> {
                out.add(new Effect.ClientChanged(clientName, client));
                // only while the client is not active now: a replayed suspend that a resume followed cuts nothing
                if (client.map(c -> c.status() != ClientStatus.ACTIVE).orElse(true)) {
                    out.add(new Effect.EndSession(clientName));
                }
            }
            case RESIZE -> {
                // new prefix and transfer /112: its files now say so, and its session reconnects to take them
                out.add(new Effect.ClientChanged(clientName, client));
                out.add(new Effect.EndSession(clientName));
            }
            case CRL -> out.add(new Effect.PublishCrl(crl.get()));
            case CA_CHANGE -> out.add(new Effect.ServerFilesChanged());
            case INIT, NODE_ADD, NODE_JOIN, LINK_CREATE, LINK_DELETE, LINK_CANCEL, REGION_ADD -> {
                // nothing outside the database: links render their own files, nodes read the nodes table
            }
        }
        return out;
    }
}
