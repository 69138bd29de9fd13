package net.v6broker.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a request comes from, and whether it came over HTTPS, with reverse proxies in mind. Only a
 * peer listed in {@code http.trustedProxies} is believed: from it, the client is the right-most
 * address of {@code X-Forwarded-For} that is not itself a trusted proxy, and the scheme is
 * {@code X-Forwarded-Proto}. From anyone else both headers are ignored, so a client cannot pick the
 * address that rate limits key on. Immutable, thread-safe.
 */
final class ProxyTrust {
    private final Set<InetAddress> trusted;

    ProxyTrust(List<String> trustedProxies) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String p : trustedProxies) {
            addresses.add(literal(p));
        }
        this.trusted = Set.copyOf(addresses);
    }

    /** The client's address. */
    String ip(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        if (!isTrusted(peer)) {
            return peer;
        }
        String forwarded = ctx.header("X-Forwarded-For");
        if (forwarded == null) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty() || hop.length() > 45 || !hop.matches("[0-9A-Fa-f:.]+")) {
                return peer; // not an address: believe nothing further left
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** {@code https} when a trusted proxy says the client used it, else the connection's own scheme. */
    String scheme(Context ctx) {
        if (isTrusted(ctx.req().getRemoteAddr())) {
            String proto = ctx.header("X-Forwarded-Proto");
            if (proto != null && (proto.equals("https") || proto.equals("http"))) {
                return proto;
            }
        }
        return ctx.req().getScheme();
    }

    private boolean isTrusted(String address) {
        if (trusted.isEmpty() || address == null || !address.matches("\\[?[0-9A-Fa-f:.]+\\]?")) {
            return false;
        }
        return trusted.contains(literal(address.replace("[", "").replace("]", "")));
    }

    /** An address literal (never a DNS lookup: callers pass only hex digits, ':' and '.'). */
    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }
}
