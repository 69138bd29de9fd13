package net.v6broker.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;

/**
 * Bounds every request body, however it is framed, before any handler sees the request: a body is
 * read here, up to the limit and within a deadline, and handed on from memory. A body larger than
 * the limit (by its {@code Content-Length}, or by what a chunked body turned out to hold) or one
 * that does not arrive within the deadline is not read further: the request is marked, and the
 * first handler answers 413 or 408 through the one error table. So a 300 MB chunked upload costs
 * at most the limit in memory, and a body sent a byte at a time costs at most the deadline (each
 * read waits at most the connector's idle timeout).
 *
 * <p>Thread-safe: stateless apart from its two limits.
 */
final class BoundedBody implements Filter {
    /** The request attribute naming why the body was not read: {@link Outcome}. */
    static final String OUTCOME = "v6broker.body";

    /** Why a body was refused. */
    enum Outcome { TOO_LARGE, TOO_SLOW, NOT_ACCEPTED, ADDRESS_LIMITED }

    /** How much of a body beyond the limit is read and dropped, so that its sender gets the 413 ({@link #drain}). */
    static final long DRAIN_BYTES = 1 << 20;

    private final int maxBytes;
    private final Duration deadline;
    private final java.util.function.Predicate<HttpServletRequest> allowed;

    /** @param allowed whether the request's address may still be served (not rate-limited): else no body is read */
    BoundedBody(int maxBytes, Duration deadline, java.util.function.Predicate<HttpServletRequest> allowed) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
        this.allowed = allowed;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest r = (HttpServletRequest) request;
        long length = r.getContentLengthLong();
        boolean chunked = r.getHeader("Transfer-Encoding") != null;
        if (length <= 0 && !chunked) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = new byte[0];
        String type = r.getContentType();
        if (!allowed.test(r)) {
            r.setAttribute(OUTCOME, Outcome.ADDRESS_LIMITED); // a limited address gets no thread waiting on its body
        } else if (length > maxBytes) {
            r.setAttribute(OUTCOME, Outcome.TOO_LARGE);
            if (length <= maxBytes + DRAIN_BYTES) {
                drain(r, System.nanoTime() + deadline.toNanos());
            }
        } else if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            r.setAttribute(OUTCOME, Outcome.NOT_ACCEPTED); // no route takes one; the servlet's part parser is not offered
        } else {
            body = read(r);
        }
        chain.doFilter(new Buffered(r, body), response);
    }

    /** Reads at most {@code maxBytes + 1}, marking the request when that is too much or too slow. */
    private byte[] read(HttpServletRequest r) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        byte[] buf = new byte[Math.min(maxBytes + 1, 8192)];
        int n = 0;
        InputStream in = r.getInputStream();
        while (true) {
            if (n == buf.length) {
                if (n > maxBytes) {
                    r.setAttribute(OUTCOME, Outcome.TOO_LARGE);
                    drain(r, end);
                    return new byte[0];
                }
                buf = Arrays.copyOf(buf, Math.min(maxBytes + 1, buf.length * 2));
            }
            int got;
            try {
                got = in.read(buf, n, buf.length - n);
            } catch (IOException | RuntimeException e) {
                // the idle timeout ended a read (or the client went away): too slow either way
                r.setAttribute(OUTCOME, Outcome.TOO_SLOW);
                return new byte[0];
            }
            if (got < 0) {
                return Arrays.copyOf(buf, n);
            }
            n += got;
            if (System.nanoTime() - end > 0) {
                r.setAttribute(OUTCOME, Outcome.TOO_SLOW);
                return new byte[0];
            }
        }
    }

    /**
     * Reads and drops the rest of a body that is too large, if it ends within {@link #DRAIN_BYTES}
     * and the deadline; a longer or slower one is left unread. A server that closes a connection
     * with unread bytes in its receive buffer makes the kernel answer with a reset, which may reach
     * the client before the 413 and take it away: so a client that sent a little too much (the usual
     * mistake) gets its answer, and one that sends megabytes costs one megabyte of reading, no memory.
     */
    private static void drain(HttpServletRequest r, long end) {
        byte[] sink = new byte[8192];
        long left = DRAIN_BYTES;
        try {
            InputStream in = r.getInputStream();
            int got;
            while (left > 0 && System.nanoTime() - end < 0 && (got = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= got;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or was too slow: nothing more to read
        }
    }

    /** The request with its body from memory. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    getCharacterEncoding() == null ? java.nio.charset.StandardCharsets.UTF_8
                            : java.nio.charset.Charset.forName(getCharacterEncoding())));
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was read already");
                }
            };
        }
    }
}
