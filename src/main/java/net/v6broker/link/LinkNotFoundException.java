package net.v6broker.link;

import net.v6broker.error.BrokerException;

import net.v6broker.config.Validation;

/** No live link has that name. */
public final class LinkNotFoundException extends BrokerException {
    private static final long serialVersionUID = 1L;

    LinkNotFoundException(String name) {
        super(Kind.NOT_FOUND, "no link named " + Validation.quote(name) + " (see 'v6broker link list')");
    }
}
