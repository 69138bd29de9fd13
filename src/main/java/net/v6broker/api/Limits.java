package net.v6broker.api;

import java.time.Duration;

/**
 * The HTTP layer's limits, with their defaults in one place.
 *
 * @param maxBodyBytes          the largest request body accepted (413 above it)
 * @param subscribePerHour      public subscription form posts per client address per hour
 * @param authFailuresPerMinute failed token, login and link checks per client address per minute
 * @param linkLifetime          how long a one-time download link stays valid
 * @param sessionLifetime       how long a web login lasts
 * @param pageSizeMax           the largest page of a listing
 * @param linksPerDay           one-time download links a subscriber may take in 24 hours
 */
public record Limits(int maxBodyBytes, int subscribePerHour, int authFailuresPerMinute, Duration linkLifetime,
                     Duration sessionLifetime, int pageSizeMax, int linksPerDay) {
    public Limits {
        if (maxBodyBytes < 1024 || subscribePerHour < 1 || authFailuresPerMinute < 1 || pageSizeMax < 1 || linksPerDay < 1
                || linkLifetime.isNegative() || linkLifetime.isZero() || sessionLifetime.isNegative() || sessionLifetime.isZero()) {
            throw new IllegalArgumentException("invalid HTTP limits " + limitsText(maxBodyBytes, subscribePerHour,
                    authFailuresPerMinute, pageSizeMax));
        }
    }

    /** As the canonical constructor, with the default of {@code linksPerDay}. */
    public Limits(int maxBodyBytes, int subscribePerHour, int authFailuresPerMinute, Duration linkLifetime,
                  Duration sessionLifetime, int pageSizeMax) {
        this(maxBodyBytes, subscribePerHour, authFailuresPerMinute, linkLifetime, sessionLifetime, pageSizeMax, LINKS_PER_DAY);
    }

    static final int LINKS_PER_DAY = 5;

    public static Limits defaults() {
        return new Limits(16 * 1024, 10, 20, Duration.ofHours(24), Duration.ofHours(8), 500, LINKS_PER_DAY);
    }

    private static String limitsText(int body, int sub, int auth, int page) {
        return "(maxBodyBytes=" + body + ", subscribePerHour=" + sub + ", authFailuresPerMinute=" + auth + ", pageSizeMax=" + page + ")";
    }
}
