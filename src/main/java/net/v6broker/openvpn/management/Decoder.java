package net.v6broker.openvpn.management;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the management interface's byte stream into {@link Message}s. Framing: lines end in
 * {@code \n} (a {@code \r} before it is dropped); a line starting with {@code >} is always a
 * notification, even inside a block; {@code SUCCESS:}/{@code ERROR:} outside a block are replies;
 * any other line opens a block that runs to {@code END}.
 *
 * <p>Hostile or broken input never throws: an over-long line, invalid UTF-8, a control character,
 * or a block that grows past its limit becomes a {@link Message.Malformed} and the decoder
 * resynchronises at the next line.
 *
 * <p>Not thread-safe: one per connection, fed by its reader thread.
 */
public final class Decoder {
    /** OpenVPN's own lines are far shorter; 64 KiB leaves room for long status rows. */
    public static final int MAX_LINE = 64 * 1024;
    public static final int MAX_BLOCK_LINES = 200_000;

    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private boolean overflow;
    private List<String> block;

    /** Feeds bytes; returns the messages they complete (possibly none). */
    public List<Message> feed(byte[] data, int offset, int count) {
        List<Message> out = new ArrayList<>();
        for (int i = offset; i < offset + count; i++) {
            byte b = data[i];
            if (b == '\n') {
                if (overflow) {
                    out.add(new Message.Malformed("line longer than " + MAX_LINE + " bytes", "(discarded)"));
                    overflow = false;
                    block = null;
                } else {
                    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    decodeLine(end).ifPresent(out::add);
                }
                length = 0;
            } else if (length < MAX_LINE) {
                line[length++] = b;
            } else {
                overflow = true;
            }
        }
        return out;
    }

    /** Feeds one complete line (without its newline), as read by a line reader or a test. */
    public Optional<Message> line(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_LINE) {
            block = null;
            return Optional.of(new Message.Malformed("line longer than " + MAX_LINE + " bytes", excerpt(text)));
        }
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        return decodeLine(bytes.length);
    }

    /** True while a block is open (its END not yet seen). */
    public boolean inBlock() {
        return block != null;
    }

    private Optional<Message> decodeLine(int end) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(line, 0, end)).toString();
        } catch (CharacterCodingException e) {
            block = null;
            return Optional.of(new Message.Malformed("invalid UTF-8", "(" + end + " bytes)"));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                block = null;
                return Optional.of(new Message.Malformed("control character " + String.format("0x%02x", (int) c), excerpt(text)));
            }
        }
        if (text.startsWith(">")) {
            int colon = text.indexOf(':');
            if (colon < 2 || !text.substring(1, colon).matches("[A-Z][A-Z0-9_-]{0,31}")) {
                return Optional.of(new Message.Malformed("notification without a source", excerpt(text)));
            }
            return Optional.of(new Message.Notification(text.substring(1, colon), text.substring(colon + 1)));
        }
        if (block != null) {
            if (text.equals("END")) {
                Message.Block done = new Message.Block(block);
                block = null;
                return Optional.of(done);
            }
            if (block.size() >= MAX_BLOCK_LINES) {
                block = null;
                return Optional.of(new Message.Malformed("block longer than " + MAX_BLOCK_LINES + " lines", excerpt(text)));
            }
            block.add(text);
            return Optional.empty();
        }
        if (text.startsWith("SUCCESS:")) {
            return Optional.of(new Message.Success(text.substring(8).strip()));
        }
        if (text.startsWith("ERROR:")) {
            return Optional.of(new Message.Failure(text.substring(6).strip()));
        }
        if (text.equals("END")) {
            return Optional.of(new Message.Block(List.of()));
        }
        block = new ArrayList<>();
        block.add(text);
        return Optional.empty();
    }

    static String excerpt(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(120).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return text.length() > 120 ? b + "..." : b.toString();
    }
}
