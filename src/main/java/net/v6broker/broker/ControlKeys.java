package net.v6broker.broker;

import java.security.SecureRandom;
import java.time.Instant;
import net.v6broker.ca.TlsCryptV2;
import net.v6broker.error.BrokerException;
import net.v6broker.store.Store;

/**
 * The keys that wrap OpenVPN's control channel before any TLS: the broker's one tls-crypt-v2 server
 * key, kept in the database so that every node of a broker has the same one, and each client's own
 * wrapped key, made when its profile is exported (docs/decisions.md, 23). Stateless.
 */
public final class ControlKeys {
    private ControlKeys() {
    }

    /**
     * The broker's tls-crypt-v2 server key: the stored one, or a new one stored now. Two processes
     * that make one at once both end with the one stored first.
     */
    public static String serverKey(Store store, SecureRandom random) {
        String stored = store.read(tx -> tx.tlsCryptV2Key()).orElse(null);
        if (stored != null) {
            return stored;
        }
        String made = TlsCryptV2.generateServerKey(random);
        return store.inTransaction(tx -> {
            tx.offerTlsCryptV2Key(made);
            return tx.tlsCryptV2Key().orElseThrow(() -> new BrokerException(BrokerException.Kind.FAILED,
                    "the database records no broker identity to keep the tls-crypt-v2 key with: run any command once to record it"));
        });
    }

    /**
     * A client's own tls-crypt-v2 key (PEM): a fresh key wrapped with the server key, its metadata
     * naming the client's id, its certificate's serial and the certificate's end (the key's
     * not-after), which the server's verify hook reads.
     */
    public static String clientKey(String serverKey, Client c, SecureRandom random) {
        Instant notAfter = c.notAfter();
        return TlsCryptV2.wrapClientKey(serverKey, new TlsCryptV2.Metadata(c.id(), c.serial(), notAfter.getEpochSecond()).bytes(),
                random);
    }
}
