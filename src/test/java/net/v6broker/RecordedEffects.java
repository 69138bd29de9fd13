package net.v6broker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.v6broker.broker.Effect;
import net.v6broker.broker.EffectSink;

/** An effect sink that keeps what it is given, for tests of the broker alone. Thread-safe. */
public final class RecordedEffects implements EffectSink {
    private final List<Effect> applied = new ArrayList<>();

    @Override
    public synchronized <T> T inOrder(Supplier<T> change) {
        return change.get();
    }

    @Override
    public synchronized void apply(List<Effect> effects) {
        applied.addAll(effects);
    }

    /** Everything applied so far, in order. */
    public synchronized List<Effect> applied() {
        return List.copyOf(applied);
    }
}
