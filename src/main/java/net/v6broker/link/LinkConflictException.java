package net.v6broker.link;

import net.v6broker.error.BrokerException;

/** A link's name or prefix is taken (by a client or another link), or its folder is not empty. */
public final class LinkConflictException extends BrokerException {
    private static final long serialVersionUID = 1L;

    LinkConflictException(String message) {
        super(Kind.CONFLICT, message);
    }
}
