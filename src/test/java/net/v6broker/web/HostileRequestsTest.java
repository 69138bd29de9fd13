package net.v6broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.v6broker.HomeSnapshot;
import net.v6broker.ServeProcess;
import net.v6broker.api.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded hostile run against {@code serve} as its own process, with a heap of {@value #HEAP}:
 * chunked bodies far over the limit, a body sent a byte at a time, an oversized header and URL, and
 * a burst of bad requests from one address. Every answer is a JSON 4xx, the daemon stays up within
 * its heap, and the broker's state is byte-identical afterwards.
 *
 * <p>Regression: a chunked body was read whole (a 300 MB body grew the daemon by 1 GB before the
 * 410), and an invalid body's 400 was never counted against the address.
 */
class HostileRequestsTest {
    /** The daemon's heap: a 256 MiB body buffered whole would not fit it. */
    static final String HEAP = "-Xmx96m";
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    Path home;
    ServeProcess serve;

    @BeforeEach
    void start() {
        home = ApiServer.init(dir);
        serve = ServeProcess.listening(home, dir.resolve("serve.log"), List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"));
    }

    @AfterEach
    void stop() {
        serve.close();
    }

    /** A raw HTTP/1.1 exchange: the request head, then (on another thread) the body source; the reply. */
    private Reply exchange(String head, BodySource body) throws Exception {
        Socket s = new Socket("127.0.0.1", serve.port());
        try {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            AtomicLong sent = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    body.write(out, sent, answered);
                } catch (IOException e) {
                    // the server closed the connection: it read all it wanted
                }
            }, "body");
            writer.setDaemon(true);
            writer.start();
            Instant begun = Instant.now();
            byte[] reply = readReply(s.getInputStream());
            Duration took = Duration.between(begun, Instant.now());
            long sentWhenAnswered = sent.get();
            answered.set(true);
            s.close(); // before the join: unblocks a writer the server stopped reading from
            writer.join(10_000);
            return new Reply(new String(reply, StandardCharsets.UTF_8), sentWhenAnswered, took);
        } finally {
            s.close();
        }
    }

    /** Reads until the server closes or a complete response with a Content-Length has arrived. */
    private static byte[] readReply(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no complete answer within 30 s: " + got);
            } catch (IOException e) {
                break; // reset after the answer: what arrived is the answer
            }
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *([0-9]+)").matcher(text.substring(0, end));
                if (m.find() && got.size() >= end + 4 + Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        return got.toByteArray();
    }

    @FunctionalInterface
    private interface BodySource {
        /** Writes the body, counting into {@code sent}; a long one stops once {@code answered}. */
        void write(OutputStream out, AtomicLong sent, java.util.concurrent.atomic.AtomicBoolean answered) throws IOException;
    }

    /** @param bodyBytesSent how much of the body the client had sent when the answer arrived */
    private record Reply(String raw, long bodyBytesSent, Duration took) {
        int status() {
            return Integer.parseInt(raw.substring(9, 12));
        }

        JsonNode json() throws IOException {
            assertThat(raw).containsIgnoringCase("content-type: application/json");
            return JSON.readTree(raw.substring(raw.indexOf("\r\n\r\n") + 4));
        }
    }

    /**
     * {@code mib} MiB of spaces as 64 KiB chunks, a chunk a millisecond (some 60 MB/s: a fast client,
     * whose body would take seconds), until the whole body is sent or the answer has come.
     */
    private static BodySource chunked(int mib) {
        return (out, sent, answered) -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < mib * 16 && !answered.get(); i++) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // the client's pace
                out.write(size);
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                sent.addAndGet(chunk.length);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
    }

    private static String post(String path, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + String.join("", Arrays.stream(headers).map(h -> h + "\r\n").toList()) + "\r\n";
    }

    @Test
    void hostileRequestsGetJson4xxTheHeapStaysBoundedAndTheStateIsUnchanged() throws Exception {
        String before = HomeSnapshot.of(home);

        // chunked bodies of 256 MiB, to an unauthenticated link and to the public form
        for (String path : List.of("/api/v1/downloads/v6bd_" + "x".repeat(43), "/api/v1/subscriptions")) {
            Reply r = exchange(post(path, "Transfer-Encoding: chunked"), chunked(256));
            assertThat(r.status()).as(path + ": " + r.raw()).isEqualTo(413);
            assertThat(r.json().path("code").asText()).isEqualTo("payload_too_large");
            // answered while the body was still arriving (Jetty then discards what the client goes on sending
            // until it closes; reading stopped at the limit, so the heap does not grow)
            assertThat(r.bodyBytesSent()).as("answered long before the end of the body").isLessThan(128L << 20);
            assertThat(r.took()).isLessThan(Duration.ofSeconds(10));
        }

        // a declared 100-byte body sent a byte every two seconds: refused at the deadline
        Reply slow = exchange(post("/api/v1/subscriptions", "Content-Length: 100"), (out, sent, answered) -> {
            for (int i = 0; i < 100 && !answered.get(); i++) {
                out.write('{');
                out.flush();
                sent.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // the slow client's pace
            }
        });
        assertThat(slow.status()).as(slow.raw()).isEqualTo(408);
        assertThat(slow.json().path("code").asText()).isEqualTo("request_timeout");
        assertThat(slow.took()).isLessThan(BrokerHttp.BODY_DEADLINE.plus(BrokerHttp.IDLE_TIMEOUT).plusSeconds(3));

        // headers and a request line over Jetty's limit: its own refusal, as the API's JSON
        Reply header = exchange("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: " + "j".repeat(20_000) + "\r\n\r\n",
                (out, sent, answered) -> { });
        assertThat(header.status()).as(header.raw()).isEqualTo(431);
        assertThat(header.json().path("code").asText()).isEqualTo("headers_too_large");
        Reply uri = exchange("GET /api/v1/clients?q=" + "u".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", (out, sent, answered) -> { });
        assertThat(uri.status()).as(uri.raw()).isIn(414, 431);
        assertThat(uri.json().path("code").asText()).isIn("uri_too_long", "headers_too_large");

        // a burst of invalid bodies from one address: each 400 counts, then 429 before any work
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            Reply r = exchange(post("/api/v1/downloads/v6bd_" + "y".repeat(43), "Content-Length: 5") + "{bad}", (out, sent, answered) -> { });
            assertThat(r.status()).as(r.raw()).isIn(400, 429);
            assertThat(r.json().path("code").asText()).isIn("invalid_json", "rate_limited");
            refused += r.status() == 429 ? 1 : 0;
        }
        assertThat(refused).as("the address was limited after its 20 failures").isGreaterThanOrEqualTo(19);

        // the daemon is up, answers health, and changed nothing
        assertThat(serve.process.isAlive()).as(serve.log()).isTrue();
        assertThat(serve.get("/api/v1/health").statusCode()).isEqualTo(200);
        // "HTTP on" is logged once the daemon reconciled; HTTP listened before (the line before it)
        assertThat(serve.get("/api/v1/health").body()).contains("\"reconciled\" : true");
        assertThat(serve.log()).contains("listening on 127.0.0.1:").containsSubsequence("listening on", "HTTP on");
        assertThat(serve.log()).doesNotContain("OutOfMemoryError");
        assertThat(HomeSnapshot.of(home)).isEqualTo(before);
    }
}
