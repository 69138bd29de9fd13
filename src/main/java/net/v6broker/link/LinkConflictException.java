package net.v6broker.link;

/** A link's name or prefix is taken (by a client or another link), or its folder is not empty. */
public final class LinkConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LinkConflictException(String message) {
        super(message);
    }
}
