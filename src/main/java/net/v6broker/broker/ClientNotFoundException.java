package net.v6broker.broker;

/** No live client has that name. */
public final class ClientNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClientNotFoundException(String name) {
        super("no client named '" + name + "' (see 'v6broker client list')");
    }
}
