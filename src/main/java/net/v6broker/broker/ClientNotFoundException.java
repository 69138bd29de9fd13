package net.v6broker.broker;

import net.v6broker.error.BrokerException;

/** No live client has that name. */
public final class ClientNotFoundException extends BrokerException {
    private static final long serialVersionUID = 1L;

    ClientNotFoundException(String name) {
        super(Kind.CLIENT_NOT_FOUND, "no client named '" + name + "' (see 'v6broker client list')");
    }
}
