package net.v6broker.config;

import net.v6broker.error.InvalidInputException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config.json} to {@link BrokerConfig} and back, on Jackson's streaming parser and generator
 * (jackson-core) rather than its object mapper: every command reads the configuration, and on a
 * cold JVM creating an {@code ObjectMapper} and binding the records through it cost a good part of
 * a {@code client add} (docs/decisions.md, 17).
 *
 * <p>The keys of each section are listed here once; an unknown key is refused with the accepted
 * ones, a value of the wrong JSON type names the key and the type expected, and the records'
 * constructors validate the values and supply the defaults of absent ones.
 */
public final class ConfigJson {
    /** Duplicate keys are refused: with "the last one wins" a second "prefix" would renumber every client. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Every section and its keys, in the order they are written. */
    private static final Map<String, List<String>> SECTIONS = Map.of(
            "endpoint", List.of("host", "port"),
            "ca", List.of("keyType", "commonName", "caDays", "certificateDays", "crlDays", "serverRenewDays", "caWarnDays"),
            "clients", List.of("quarantineDays", "importBatch", "reclaimNotifyDays", "reclaimSuspendDays", "reclaimDeleteDays",
                    "reclaimHook"),
            "database", List.of("url", "user", "passwordFile"),
            "openvpn", List.of("route", "portBase", "lanInterface", "tlsCrypt", "verifyRevokedKeys", "tcpPort", "compatPort"),
            "http", List.of("trustedProxies", "metricsClients"),
            "upstream", List.of("mode", "interface"));
    private static final List<String> TOP = List.of("brokerId", "prefix", "endpoint", "ca", "clients", "database", "openvpn",
            "http", "upstream");

    private ConfigJson() {
    }

    /**
     * Parses and validates a configuration.
     *
     * @throws IllegalArgumentException naming the key and what is accepted, for malformed JSON, an
     *                                  unknown key, a value of the wrong type or an invalid value
     */
    public static BrokerConfig read(byte[] json) {
        Map<String, Object> values = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the configuration");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (key.equals("prefix") || key.equals("brokerId")) {
                    values.put(key, string(p, t, key));
                } else if (SECTIONS.containsKey(key)) {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    expect(t, JsonToken.START_OBJECT, "'" + key + "'");
                    values.put(key, null); // present, possibly empty
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String sub = p.currentName();
                        if (!SECTIONS.get(key).contains(sub)) {
                            throw new InvalidInputException("unknown key '" + key + "." + sub + "'; accepted in '" + key
                                    + "': " + String.join(", ", SECTIONS.get(key)));
                        }
                        String path = key + "." + sub;
                        JsonToken v = p.nextToken();
                        values.put(path, isNumber(sub) ? number(p, v, path) : isList(sub) ? strings(p, v, path)
                                : isBoolean(sub) ? bool(p, v, path) : string(p, v, path));
                    }
                } else {
                    throw new InvalidInputException("unknown key '" + key + "'; accepted: " + String.join(", ", TOP));
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidInputException("unexpected content after the configuration object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing a byte array reads nothing
        }
        return new BrokerConfig(
                (String) values.get("brokerId"),
                (String) values.get("prefix"),
                values.containsKey("endpoint") ? new BrokerConfig.Endpoint((String) values.get("endpoint.host"),
                        integer(values, "endpoint.port")) : null,
                values.containsKey("ca") ? new BrokerConfig.Ca((String) values.get("ca.keyType"),
                        (String) values.get("ca.commonName"), integer(values, "ca.caDays"),
                        integer(values, "ca.certificateDays"), integer(values, "ca.crlDays"), integer(values, "ca.serverRenewDays"),
                        integer(values, "ca.caWarnDays")) : null,
                values.containsKey("clients") ? new BrokerConfig.Clients(
                        values.get("clients.quarantineDays") == null ? null : integer(values, "clients.quarantineDays"),
                        integer(values, "clients.importBatch"), new BrokerConfig.Reclaim(integer(values, "clients.reclaimNotifyDays"),
                        integer(values, "clients.reclaimSuspendDays"), integer(values, "clients.reclaimDeleteDays"),
                        (String) values.get("clients.reclaimHook"))) : null,
                values.containsKey("database") ? new BrokerConfig.Database((String) values.get("database.url"),
                        (String) values.get("database.user"), (String) values.get("database.passwordFile")) : null,
                values.containsKey("openvpn") ? new BrokerConfig.OpenVpn((String) values.get("openvpn.route"),
                        integer(values, "openvpn.portBase"), (String) values.get("openvpn.lanInterface"),
                        (String) values.get("openvpn.tlsCrypt"), Boolean.TRUE.equals(values.get("openvpn.verifyRevokedKeys")),
                        integer(values, "openvpn.tcpPort"), integer(values, "openvpn.compatPort")) : null,
                values.containsKey("http") ? new BrokerConfig.Http(strings(values, "http.trustedProxies"),
                        values.get("http.metricsClients") == null ? null : integer(values, "http.metricsClients")) : null,
                values.containsKey("upstream") ? new BrokerConfig.Upstream((String) values.get("upstream.mode"),
                        (String) values.get("upstream.interface")) : null);
    }

    /** The configuration as {@code config.json}: every key, two-space indent, a final newline. */
    public static String write(BrokerConfig c) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            if (c.brokerId() != null) {
                g.writeStringField("brokerId", c.brokerId());
            }
            g.writeStringField("prefix", c.prefix());
            g.writeObjectFieldStart("endpoint");
            g.writeStringField("host", c.endpoint().host());
            g.writeNumberField("port", c.endpoint().port());
            g.writeEndObject();
            g.writeObjectFieldStart("ca");
            g.writeStringField("keyType", c.ca().keyType());
            g.writeStringField("commonName", c.ca().commonName());
            g.writeNumberField("caDays", c.ca().caDays());
            g.writeNumberField("certificateDays", c.ca().certificateDays());
            g.writeNumberField("crlDays", c.ca().crlDays());
            g.writeNumberField("serverRenewDays", c.ca().serverRenewDays());
            g.writeNumberField("caWarnDays", c.ca().caWarnDays());
            g.writeEndObject();
            g.writeObjectFieldStart("clients");
            g.writeNumberField("quarantineDays", c.clients().quarantineDays());
            g.writeNumberField("importBatch", c.clients().importBatch());
            BrokerConfig.Reclaim reclaim = c.clients().reclaim();
            if (reclaim.on()) {
                g.writeNumberField("reclaimNotifyDays", reclaim.notifyDays());
                g.writeNumberField("reclaimSuspendDays", reclaim.suspendDays());
                g.writeNumberField("reclaimDeleteDays", reclaim.deleteDays());
            }
            if (reclaim.hook() != null) {
                g.writeStringField("reclaimHook", reclaim.hook());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("database");
            g.writeStringField("url", c.database().url());
            g.writeStringField("user", c.database().user());
            g.writeStringField("passwordFile", c.database().passwordFile());
            g.writeEndObject();
            g.writeObjectFieldStart("openvpn");
            g.writeStringField("route", c.openvpn().route());
            g.writeNumberField("portBase", c.openvpn().portBase());
            g.writeStringField("lanInterface", c.openvpn().lanInterface());
            g.writeStringField("tlsCrypt", c.openvpn().tlsCrypt());
            g.writeBooleanField("verifyRevokedKeys", c.openvpn().verifyRevokedKeys());
            g.writeNumberField("tcpPort", c.openvpn().tcpPort());
            g.writeNumberField("compatPort", c.openvpn().compatPort());
            g.writeEndObject();
            g.writeObjectFieldStart("http");
            g.writeArrayFieldStart("trustedProxies");
            for (String proxy : c.http().trustedProxies()) {
                g.writeString(proxy);
            }
            g.writeEndArray();
            g.writeNumberField("metricsClients", c.http().metricsClients());
            g.writeEndObject();
            g.writeObjectFieldStart("upstream");
            g.writeStringField("mode", c.upstream().mode());
            if (c.upstream().interfaceName() != null) {
                g.writeStringField("interface", c.upstream().interfaceName());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out + "\n";
    }

    private static boolean isNumber(String key) {
        return key.endsWith("Days") || key.equals("port") || key.equals("portBase") || key.equals("importBatch")
                || key.equals("tcpPort") || key.equals("compatPort") || key.equals("metricsClients");
    }

    private static boolean isBoolean(String key) {
        return key.equals("verifyRevokedKeys");
    }

    private static Boolean bool(JsonParser p, JsonToken t, String path) {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new InvalidInputException("'" + path + "' must be true or false, got " + describe(t));
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private static boolean isList(String key) {
        return key.equals("trustedProxies");
    }

    /** A list of strings; null for JSON null. */
    private static List<String> strings(JsonParser p, JsonToken t, String path) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new InvalidInputException("'" + path + "' must be a list of strings, got " + describe(t));
        }
        List<String> out = new java.util.ArrayList<>();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            if (v != JsonToken.VALUE_STRING) {
                throw new InvalidInputException("'" + path + "' must be a list of strings, found " + describe(v));
            }
            out.add(p.getText());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> values, String path) {
        return (List<String>) values.get(path);
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new InvalidInputException(what + " must be a JSON object, got " + describe(actual));
        }
    }

    private static String string(JsonParser p, JsonToken t, String path) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInputException("'" + path + "' must be a string, got " + describe(t));
        }
        return p.getText();
    }

    private static Long number(JsonParser p, JsonToken t, String path) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new InvalidInputException("'" + path + "' must be a whole number, got " + describe(t));
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw new InvalidInputException("'" + path + "' is out of range: " + p.getText());
        }
        return (long) p.getIntValue();
    }

    /** A number from the parsed values; 0 (the records' "use the default") when absent or null. */
    private static int integer(Map<String, Object> values, String path) {
        Object v = values.get(path);
        return v == null ? 0 : ((Long) v).intValue();
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}
