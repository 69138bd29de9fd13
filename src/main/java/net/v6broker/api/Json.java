package net.v6broker.api;

import net.v6broker.error.BrokerException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict JSON in, JSON out. A body must be one object whose fields are all known and all strings
 * (or null); anything else is refused with a message naming the field. Stateless, thread-safe.
 */
public final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** A body that is not the JSON the endpoint accepts. */
    public static final class InvalidJsonException extends BrokerException {
        private static final long serialVersionUID = 1L;

        InvalidJsonException(String message) {
            super(Kind.INVALID_JSON, message);
        }
    }

    /** A parsed request object whose field names have been checked. */
    public record Body(JsonNode node) {
        /** The string value of a field; null when absent or null; a non-string is refused. */
        public String text(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new InvalidJsonException("field '" + field + "' must be a string, not " + kind(v));
            }
            return v.textValue();
        }

        /** The integer value of a field; null when absent or null; anything but an integer is refused. */
        public Integer integer(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new InvalidJsonException("field '" + field + "' must be an integer, not " + kind(v));
            }
            return v.intValue();
        }

        public String required(String field) {
            String v = text(field);
            if (v == null || v.isEmpty()) {
                throw new InvalidJsonException("field '" + field + "' is required");
            }
            return v;
        }
    }

    /** Parses an object body with only the given fields allowed (an empty body is an empty object). */
    public static Body object(byte[] body, Set<String> allowed) {
        JsonNode node;
        try {
            node = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("the body is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new InvalidJsonException("the body could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidJsonException("the body must be a JSON object, not " + (node == null ? "nothing" : kind(node)));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new InvalidJsonException("unknown field " + net.v6broker.config.Validation.quote(f)
                        + ": accepted " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
        return new Body(node);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String kind(JsonNode v) {
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
