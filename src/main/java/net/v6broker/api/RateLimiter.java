package net.v6broker.api;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a client address and a purpose): {@code capacity} at once, refilled at
 * {@code capacity} per {@code perSeconds}. Keys are forgotten when full again, so memory stays
 * bounded by the active addresses. Thread-safe.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;
    private final int capacity;
    private final double refillPerMilli;
    private final Clock clock;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int capacity, long perSeconds, Clock clock) {
        if (capacity < 1 || perSeconds < 1) {
            throw new IllegalArgumentException("rate limit " + capacity + " per " + perSeconds + " s: both must be >= 1");
        }
        this.capacity = capacity;
        this.refillPerMilli = capacity / (perSeconds * 1000.0);
        this.clock = clock;
    }

    /**
     * The key an address is limited under: an IPv4 address itself, an IPv6 address's /64 (one
     * subscriber of a tunnel broker holds a whole /64 and could rotate through it).
     */
    public static String addressKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            byte[] b = java.net.InetAddress.getByName(address.replace("[", "").replace("]", "")).getAddress();
            if (b.length != 16) {
                return address;
            }
            return net.v6broker.ipam.Ipv6Prefix.of(new java.math.BigInteger(1, b), 64).toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    /** Takes one token for {@code key}; false when none is left. */
    public boolean tryAcquire(String key) {
        long now = clock.millis();
        if (buckets.size() > MAX_KEYS) {
            buckets.entrySet().removeIf(e -> level(e.getValue(), now) >= capacity);
        }
        boolean[] ok = new boolean[1];
        buckets.compute(key, (k, b) -> {
            double[] bucket = b == null ? new double[] {capacity, now} : b;
            double level = level(bucket, now);
            ok[0] = level >= 1;
            bucket[0] = ok[0] ? level - 1 : level;
            bucket[1] = now;
            return bucket;
        });
        return ok[0];
    }

    /** Whether {@code key} has a token left, without taking it. */
    public boolean allowed(String key) {
        double[] b = buckets.get(key);
        return b == null || level(b, clock.millis()) >= 1;
    }

    private double level(double[] bucket, long now) {
        return Math.min(capacity, bucket[0] + (now - bucket[1]) * refillPerMilli);
    }
}
