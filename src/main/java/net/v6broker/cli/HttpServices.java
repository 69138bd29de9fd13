package net.v6broker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import net.v6broker.api.BrokerOps;
import net.v6broker.api.Limits;
import net.v6broker.api.Services;
import net.v6broker.openvpn.ClientExport;
import net.v6broker.openvpn.Site;

/**
 * Wires the HTTP layer to a broker home exactly as the command line uses it: the same broker, the
 * same effects ({@link LocalEffects}: CRL file and rendered server directories) and the same
 * exports as {@code client export}.
 */
public final class HttpServices {
    private HttpServices() {
    }

    /** For {@code serve}: the command's own context. */
    static Services of(Context context, Limits limits, Supplier<Map<String, Object>> health) {
        LocalEffects effects = context.effects();
        Site site = context.site();
        return new Services(BrokerOps.of(context.broker()), effects::apply,
                (client, request) -> ClientExport.render(site, client, context.home().read(context.home().caCertificate()),
                        context.home().read(context.home().tlsCryptKey()), request, context.clock.instant()),
                context.store(), context.config().endpoint(), () -> context.home().read(context.home().caCertificate()),
                context.clock, context.random(), limits, context.config().http(), health);
    }

    /** For tests and tools: a home opened as {@code serve} opens it; close {@code services.store()} when done. */
    public static Services forHome(Path home, Clock clock, SecureRandom random, Limits limits,
                                   Supplier<Map<String, Object>> health) {
        Context context = new Context(clock, () -> random, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false);
        context.homeDir = home;
        return of(context, limits, health);
    }
}
