package net.v6broker.broker;

import java.util.List;

/** The result of a change and the effects it asks for. */
public record Outcome<T>(T value, List<Effect> effects) {
    public Outcome {
        effects = List.copyOf(effects);
    }
}
