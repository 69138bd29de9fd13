package net.v6broker.ca;

import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Lends out exclusive, reusable instances of a non-thread-safe JCA object (an initialised
 * {@link java.security.Signature} or {@link java.security.KeyPairGenerator}), creating a new one
 * only when all existing ones are in use. The set-up cost is thus paid once per concurrent thread
 * instead of once per certificate. An instance whose use failed is discarded, not returned.
 *
 * <p>Thread-safe.
 *
 * @param <T> the pooled type
 */
final class InstancePool<T> {

    /** Work done with a borrowed instance. */
    interface Action<T, R> {
        R apply(T instance) throws GeneralSecurityException;
    }

    private final Supplier<T> factory;
    private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();

    InstancePool(Supplier<T> factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /**
     * Runs {@code action} with an instance no other thread is using.
     *
     * @param what describes the work for the exception message
     * @throws CaException wrapping any exception from {@code action}
     */
    <R> R use(String what, Action<T, R> action) {
        T instance = idle.poll();
        if (instance == null) {
            instance = factory.get();
        }
        R result;
        try {
            result = action.apply(instance);
        } catch (CaException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CaException(what + " failed: " + e.getMessage(), e);
        }
        idle.offer(instance);
        return result;
    }
}
