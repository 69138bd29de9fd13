package net.v6broker.doctor;

import java.util.Objects;

/** One inconsistency {@code v6broker check} found: about whom, what, and what to do. Immutable. */
public record Mismatch(String subject, String text, String fix) {
    public Mismatch {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fix, "fix");
    }

    /** {@code MISMATCH subject: text; fix: fix}. */
    public String line() {
        return "MISMATCH " + subject + ": " + text + "; fix: " + fix;
    }
}
