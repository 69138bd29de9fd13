package net.v6broker.openvpn.management;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One connection to OpenVPN's management socket. OpenVPN serves one management connection at a
 * time and answers commands in order, so commands here are sent one at a time and each waits for
 * its own reply; notifications go to the listener from the reader thread as they arrive.
 *
 * <p>Thread-safe: {@link #send} is serialised.
 */
public final class ManagementClient implements AutoCloseable {
    /** Marks the end of the stream in the reply queue; compared by identity, never handed out. */
    private static final Message CLOSED = new Message.Malformed("connection closed", "");
    private final SocketChannel channel;
    private final BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
    private final CountDownLatch banner = new CountDownLatch(1);
    private final Consumer<Message> listener;
    private final Thread reader;
    private final Duration timeout;
    private volatile boolean closed;

    private ManagementClient(SocketChannel channel, Consumer<Message> listener, Duration timeout) {
        this.channel = channel;
        this.listener = listener;
        this.timeout = timeout;
        this.reader = new Thread(this::readLoop, "management-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Connects and waits for the {@code >INFO} banner (commands sent before it can be lost).
     * {@code listener} sees notifications and malformed input; it must not block.
     */
    public static ManagementClient connect(Path socket, Duration timeout, Consumer<Message> listener) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new ManagementException("cannot connect to the management socket " + socket + ": " + e.getMessage(), e);
        }
        ManagementClient c = new ManagementClient(ch, listener, timeout);
        c.reader.start();
        try {
            if (!c.banner.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                c.close();
                throw new ManagementException("no >INFO banner from " + socket + " within " + timeout.toMillis()
                        + " ms (is another client connected? OpenVPN serves one at a time)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new ManagementException("interrupted waiting for the banner of " + socket, e);
        }
        return c;
    }

    /** Sends a command and returns its reply: a Block, or Success/Failure. */
    public synchronized Message send(Command command) {
        if (closed) {
            throw new ManagementException("management connection is closed");
        }
        replies.clear();
        try {
            channel.write(ByteBuffer.wrap((command.text() + "\n").getBytes(StandardCharsets.UTF_8)));
            Message reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new ManagementException("no reply to '" + command.text() + "' within " + timeout.toMillis() + " ms");
            }
            if (reply == CLOSED) {
                throw new ManagementException("management connection closed while waiting for '" + command.text() + "'");
            }
            return reply;
        } catch (IOException e) {
            close();
            throw new ManagementException("sending '" + command.text() + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagementException("interrupted waiting for '" + command.text() + "'", e);
        }
    }

    /** {@code status 3}, parsed. */
    public StatusReport status() {
        Message m = send(Command.status());
        if (m instanceof Message.Block b) {
            return StatusReport.parse(b);
        }
        throw new ManagementException("'status 3' answered " + m);
    }

    /** Ends a client's session: OpenVPN's {@code SUCCESS:} or {@code ERROR:} reply (such as "client-kill command failed"). */
    public Message kill(long clientId) {
        return send(Command.kill(clientId));
    }

    public boolean isOpen() {
        return !closed && reader.isAlive();
    }

    private void readLoop() {
        Decoder decoder = new Decoder();
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try {
            while (!closed) {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    break;
                }
                for (Message m : decoder.feed(buf.array(), 0, n)) {
                    if (m instanceof Message.Notification note) {
                        if (note.source().equals("INFO")) {
                            banner.countDown();
                        }
                        listener.accept(m);
                    } else if (m instanceof Message.Malformed) {
                        listener.accept(m);
                    } else {
                        replies.add(m);
                    }
                }
            }
        } catch (IOException e) {
            // the peer went away; close() below tells waiting senders
        } finally {
            closed = true;
            replies.add(CLOSED);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failure
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

}
