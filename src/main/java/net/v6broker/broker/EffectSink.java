package net.v6broker.broker;

import java.util.List;

/**
 * Where the broker hands the effects of a change once it has committed; the one applier
 * ({@code effects.EffectApplier}) behind it, or a test's recorder. The broker applies every change's
 * effects itself, so no caller can forget to.
 */
public interface EffectSink {
    /**
     * Runs a change (its transaction and the application of its effects) so that changes made at
     * once, here and in other processes, are applied in the order they committed.
     */
    <T> T inOrder(java.util.function.Supplier<T> change);

    /** Applies the effects of a committed change. */
    void apply(List<Effect> effects);
}
