package net.v6broker.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.v6broker.broker.Client;
import net.v6broker.client.ClientKind;
import net.v6broker.error.BrokerException;
import net.v6broker.ipam.Ipv6Prefix;

/**
 * On-link upstream: the kernel's proxy-NDP entries on the upstream interface, one for each active
 * hermit, so that the provider's router, which has P on-link and asks for each address by
 * neighbour solicitation, finds the hermits at this server. The kernel answers for an entry only
 * while {@code proxy_ndp} and forwarding are on for the interface; the daemon turns the first on
 * and reports the second.
 *
 * <p>Kept in step with the database: {@link #reconcile} at start makes the entries exactly the active
 * hermits' (one {@code ip -batch} for all of them), and {@link #changed} follows each client change
 * the daemon applies, its own and other processes' (from the event stream). Entries of other
 * addresses on the interface are the operator's and stay. Thread-safe (one lock).
 */
final class ProxyNeighbours {
    private final String device;
    /** The entries this daemon keeps: address by lower-cased client name. */
    private final Map<String, BigInteger> byName = new HashMap<>();

    ProxyNeighbours(String device) {
        this.device = device;
    }

    /** Turns proxy_ndp on, then makes the entries within P exactly the active hermits'; returns how many were added and removed. */
    synchronized int[] reconcile(Iterable<Client> clients, Ipv6Prefix prefix) {
        Path sysctl = Path.of("/proc/sys/net/ipv6/conf", device, "proxy_ndp");
        try {
            Files.writeString(sysctl, "1\n");
        } catch (IOException e) {
            throw new BrokerException(BrokerException.Kind.FAILED, "cannot turn on proxy NDP for upstream interface " + device
                    + " (writing " + sysctl + "): " + e.getMessage() + "; does the interface exist, and is serve run as root?", e);
        }
        byName.clear();
        Set<BigInteger> wanted = new HashSet<>();
        for (Client c : clients) {
            if (c.type() == ClientKind.HERMIT && c.active()) {
                BigInteger a = c.assignment().prefix().network();
                byName.put(c.name().toLowerCase(Locale.ROOT), a);
                wanted.add(a);
            }
        }
        Set<BigInteger> present = new HashSet<>();
        for (String line : run(List.of("ip", "-6", "neigh", "show", "proxy", "dev", device), null).split("\n")) {
            String first = line.strip().split("\\s+")[0];
            if (first.contains(":")) {
                BigInteger a = Ipv6Prefix.parse(first + "/128").network();
                if (prefix.contains(Ipv6Prefix.of(a, 128))) {
                    present.add(a);
                }
            }
        }
        StringBuilder batch = new StringBuilder();
        int added = 0;
        int removed = 0;
        for (BigInteger a : wanted) {
            if (!present.contains(a)) {
                batch.append("neigh replace proxy ").append(Ipv6Prefix.format(a)).append(" dev ").append(device).append('\n');
                added++;
            }
        }
        for (BigInteger a : present) {
            if (!wanted.contains(a)) {
                batch.append("neigh del proxy ").append(Ipv6Prefix.format(a)).append(" dev ").append(device).append('\n');
                removed++;
            }
        }
        if (!batch.isEmpty()) {
            run(List.of("ip", "-6", "-batch", "-"), batch.toString());
        }
        return new int[] {added, removed};
    }

    /** Follows one client's change: an active hermit gets its entry, any other state (or a deleted client) loses it. */
    synchronized void changed(String name, java.util.Optional<Client> client) {
        String key = name.toLowerCase(Locale.ROOT);
        BigInteger had = byName.get(key);
        boolean hermit = client.map(c -> c.type() == ClientKind.HERMIT).orElse(had != null);
        if (!hermit) {
            return;
        }
        if (client.filter(Client::active).isPresent()) {
            BigInteger a = client.get().assignment().prefix().network();
            run(List.of("ip", "-6", "neigh", "replace", "proxy", Ipv6Prefix.format(a), "dev", device), null);
            byName.put(key, a);
        } else if (had != null) {
            run(List.of("ip", "-6", "neigh", "del", "proxy", Ipv6Prefix.format(had), "dev", device), null);
            byName.remove(key);
        }
    }

    /** Runs an {@code ip} command (with {@code input} on its standard input); its output, or a failure naming it. */
    private static String run(List<String> command, String input) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.US_ASCII));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BrokerException(BrokerException.Kind.FAILED, "'" + String.join(" ", command) + "' did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new BrokerException(BrokerException.Kind.FAILED, "'" + String.join(" ", command) + "' exited " + p.exitValue()
                        + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new BrokerException(BrokerException.Kind.FAILED, "running '" + String.join(" ", command) + "' failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(BrokerException.Kind.FAILED, "interrupted running '" + String.join(" ", command) + "'", e);
        }
    }

    /** How many entries this daemon keeps (for its log). */
    synchronized int size() {
        return byName.size();
    }
}
