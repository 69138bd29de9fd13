package net.v6broker.doctor;

import java.util.Objects;

/**
 * The outcome of one check, printed as sanity-check.sh prints it: {@code OK   what},
 * {@code FAIL what; fix: how} or {@code SKIP what} (not tried). Immutable.
 */
public record Finding(Verdict verdict, String text, String fix) {

    /** What a check found. */
    public enum Verdict { OK, FAIL, SKIP }

    public Finding {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(text, "text");
        if ((verdict == Verdict.FAIL) != (fix != null)) {
            throw new IllegalArgumentException("a failure, and only a failure, carries a fix: " + verdict + " " + text);
        }
    }

    static Finding ok(String text) {
        return new Finding(Verdict.OK, text, null);
    }

    static Finding fail(String text, String fix) {
        return new Finding(Verdict.FAIL, text, fix);
    }

    static Finding skip(String text) {
        return new Finding(Verdict.SKIP, text, null);
    }

    /** The report line, exactly as sanity-check.sh prints it. */
    public String line() {
        return switch (verdict) {
            case OK -> "OK   " + text;
            case FAIL -> "FAIL " + text + "; fix: " + fix;
            case SKIP -> "SKIP " + text;
        };
    }
}
