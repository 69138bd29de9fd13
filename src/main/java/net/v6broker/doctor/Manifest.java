package net.v6broker.doctor;

import net.v6broker.error.InvalidInputException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.v6broker.config.Validation;

/**
 * The facts of a client archive's {@code manifest.json} that the doctor checks against the machine.
 * Every value is validated here before it reaches a command line, so an edited manifest cannot
 * smuggle an argument in. Fields the doctor does not use are ignored. Immutable and thread-safe.
 *
 * @param tunnelAddress {@code ADDR/LEN} on the client's tun
 * @param serverAddress what the client pings through the tunnel ({@code fe80::1} for a per-client hermit)
 * @param lanInterface  a subnet client's LAN interface; null for a hermit
 * @param lanAddress    a subnet client's {@code S::1/64}; null for a hermit
 * @param prefix        a subnet client's delegated prefix ({@code S/56}); null for a hermit and in
 *                      archives made before sizes (all /64s)
 * @param notBefore     the certificate's start; null in archives made before it was recorded
 */
public record Manifest(String name, boolean subnet, String serverHost, int serverPort, String tunnelAddress,
                       String serverAddress, List<String> routes, String lanInterface, String lanAddress,
                       String prefix, Instant notBefore, Instant notAfter) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public Manifest {
        Validation.name(name);
        Validation.host(serverHost);
        Validation.port("server.port", serverPort);
        tunnelAddress = interfaceAddress("tunnelAddress", tunnelAddress);
        serverAddress = address("serverAddress", serverAddress);
        routes = List.copyOf(routes);
        for (String r : routes) {
            prefix("routes", r);
        }
        if (subnet) {
            if (lanInterface == null || !INTERFACE.matcher(lanInterface).matches() || lanInterface.matches("\\.+")) {
                throw new ManifestException("manifest: lanInterface " + Validation.quote(lanInterface)
                        + " is not an interface name (1..15 letters, digits, '_', '.', '-')");
            }
            lanAddress = interfaceAddress("lanAddress", lanAddress);
            if (prefix != null) {
                prefix("prefix", prefix);
            }
        } else {
            prefix = null;
        }
        if (notAfter == null) {
            throw new ManifestException("manifest: notAfter is missing");
        }
    }

    /** Reads and validates a manifest file. */
    public static Manifest read(Path file) {
        JsonNode m;
        try {
            m = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ManifestException("no manifest at " + file + ": run the doctor in the unpacked client archive, "
                    + "or give --manifest FILE");
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
        try {
            String type = text(m, "type");
            if (!type.equals("subnet") && !type.equals("hermit")) {
                throw new ManifestException("manifest: type " + Validation.quote(type) + " is not hermit or subnet");
            }
            JsonNode server = m.path("server");
            List<String> routes = new ArrayList<>();
            m.path("routes").forEach(r -> routes.add(r.asText()));
            return new Manifest(text(m, "name"), type.equals("subnet"), text(server, "host"), server.path("port").asInt(0),
                    text(m, "tunnelAddress"), text(m, "serverAddress"), routes, optional(m, "lanInterface"),
                    optional(m, "lanAddress"), optional(m, "prefix"), instant(m, "notBefore"), instant(m, "notAfter"));
        } catch (ManifestException e) {
            throw new ManifestException(file + ": " + e.getMessage(), e);
        } catch (InvalidInputException e) {
            throw new ManifestException(file + ": manifest holds an invalid value: " + e.getMessage(), e);
        }
    }

    /**
     * For a delegated prefix larger than a /64, {@code ::1} in its last /64: where the doctor asks
     * whether traffic for the /64s no LAN uses stops here or loops back into the tunnel; null otherwise.
     */
    public String loopProbe() {
        if (prefix == null) {
            return null;
        }
        IPAddress p = new IPAddressString(prefix).getAddress();
        int length = p.getNetworkPrefixLength();
        if (length >= 64) {
            return null;
        }
        java.math.BigInteger last = p.toPrefixBlock().getLower().getValue().add(java.math.BigInteger.ONE.shiftLeft(128 - length))
                .subtract(java.math.BigInteger.ONE.shiftLeft(64)).add(java.math.BigInteger.ONE);
        return new inet.ipaddr.ipv6.IPv6Address(last).toCanonicalString();
    }

    /** The tunnel address without its length. */
    public String tunnelIp() {
        return tunnelAddress.substring(0, tunnelAddress.indexOf('/'));
    }

    public int tunnelLength() {
        return Integer.parseInt(tunnelAddress.substring(tunnelAddress.indexOf('/') + 1));
    }

    /** The LAN address without its length; null for a hermit. */
    public String lanIp() {
        return lanAddress == null ? null : lanAddress.substring(0, lanAddress.indexOf('/'));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new ManifestException("manifest: '" + field + "' is missing");
        }
        return v.asText();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = optional(node, field);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new ManifestException("manifest: " + field + " " + Validation.quote(v) + " is not an ISO-8601 instant");
        }
    }

    /**
     * A plain IPv6 address in RFC 5952 form, as {@code ip} and {@code ping} print it (a single zero
     * group stays {@code :0:}); sanity-check.sh carries the same form.
     */
    static String address(String field, String value) {
        IPAddress a = new IPAddressString(value == null ? "" : value).getAddress();
        if (a == null || !a.isIPv6() || a.getNetworkPrefixLength() != null) {
            throw new ManifestException("manifest: " + field + " " + Validation.quote(value) + " is not an IPv6 address");
        }
        return a.toCanonicalString();
    }

    private static String interfaceAddress(String field, String value) {
        int slash = value == null ? -1 : value.indexOf('/');
        if (slash < 0 || !value.substring(slash + 1).matches("[0-9]{1,3}") || Integer.parseInt(value.substring(slash + 1)) > 128) {
            throw new ManifestException("manifest: " + field + " " + Validation.quote(value) + " is not ADDRESS/LENGTH");
        }
        return address(field, value.substring(0, slash)) + value.substring(slash);
    }

    private static void prefix(String field, String value) {
        IPAddress a = new IPAddressString(value == null ? "" : value).getAddress();
        if (a == null || !a.isIPv6() || a.getNetworkPrefixLength() == null) {
            throw new ManifestException("manifest: " + field + " " + Validation.quote(value) + " is not an IPv6 prefix");
        }
    }
}
