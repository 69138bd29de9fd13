package net.v6broker.api;

/**
 * A failure the HTTP layer itself decides (authentication, rate limits, sizes, links); its status
 * comes from {@link Errors} like every other failure's.
 */
public final class HttpFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong; each has one status and one stable code in {@link Errors}. */
    public enum Kind {
        UNAUTHORIZED, FORBIDDEN, NOT_FOUND, LINK_GONE, RATE_LIMITED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
        CSRF, CONFLICT, REQUEST_TIMEOUT
    }

    private final Kind kind;

    public HttpFailure(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
