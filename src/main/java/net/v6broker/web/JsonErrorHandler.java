package net.v6broker.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import net.v6broker.api.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to a request it refuses before any handler runs (a request line or headers over
 * the size limit, a malformed request): the API's JSON error, {@code {"code", "message"}}, instead
 * of Jetty's HTML page. Thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String code = switch (status) {
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 413 -> "payload_too_large";
            case 408 -> "request_timeout";
            default -> status < 500 ? "bad_request" : "internal";
        };
        String message = switch (status) {
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            default -> "the request was refused: " + (reason == null ? "malformed" : reason.replaceAll("[^ -~]", "?"));
        };
        Map<String, String> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8));
    }
}
