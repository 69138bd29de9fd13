package net.v6broker.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who a request comes from, and whether it came over HTTPS, with reverse proxies in mind. Only a
 * peer listed in {@code http.trustedProxies} is believed: from it, the client is the right-most
 * address of {@code X-Forwarded-For} (all its header lines, in order) that is not itself a trusted
 * proxy, and the scheme is the last {@code X-Forwarded-Proto}. From anyone else both headers are
 * ignored, so a client cannot pick the address that rate limits key on. Immutable, thread-safe.
 */
final class ProxyTrust {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    /** An IPv6 literal: hex digits, ':' and '.', with at least one ':' (so never a host name). */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private final Set<InetAddress> trusted;

    ProxyTrust(List<String> trustedProxies) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String p : trustedProxies) {
            addresses.add(literal(p).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + p)));
        }
        this.trusted = Set.copyOf(addresses);
    }

    /** The client's address. */
    String ip(HttpServletRequest req) {
        String peer = req.getRemoteAddr();
        if (!isTrusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : Collections.list(req.getHeaders("X-Forwarded-For"))) {
            for (String hop : line.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop).isEmpty()) {
                return peer; // not an address: believe nothing further left
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** {@code https} when a trusted proxy says the client used it, else the connection's own scheme. */
    String scheme(HttpServletRequest req) {
        if (isTrusted(req.getRemoteAddr())) {
            List<String> protos = Collections.list(req.getHeaders("X-Forwarded-Proto"));
            if (!protos.isEmpty()) {
                String proto = protos.get(protos.size() - 1).strip();
                if (proto.equals("https") || proto.equals("http")) {
                    return proto;
                }
            }
        }
        return req.getScheme();
    }

    private boolean isTrusted(String address) {
        return !trusted.isEmpty() && literal(address).map(trusted::contains).orElse(false);
    }

    /** An address literal, empty for anything else; never a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        if (text == null || text.length() > 47) {
            return Optional.empty();
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
