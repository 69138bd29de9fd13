package net.v6broker.doctor;

/** manifest.json is missing, unreadable, or holds a value the doctor refuses to use. */
public final class ManifestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ManifestException(String message) {
        super(message);
    }

    ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
