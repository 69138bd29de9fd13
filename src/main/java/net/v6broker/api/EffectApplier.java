package net.v6broker.api;

import java.util.List;
import net.v6broker.broker.Effect;

/**
 * Applies a committed change's effects in this process, exactly as the command line does (the CRL
 * file and every rendered server directory); live sessions are the daemon's.
 */
@FunctionalInterface
public interface EffectApplier {
    void apply(List<Effect> effects);
}
