package net.v6broker.openvpn.management;

import java.util.List;

/**
 * One unit of what OpenVPN's management interface sends: a real-time notification (a line
 * starting with {@code >}), the reply to a command ({@code SUCCESS:} or {@code ERROR:}), a
 * multi-line block ended by {@code END}, or a line we refused to interpret.
 */
public sealed interface Message permits Message.Notification, Message.Success, Message.Failure, Message.Block,
        Message.Malformed {

    /** {@code >SOURCE:text}, e.g. source INFO, BYTECOUNT_CLI, STATE, FATAL. */
    record Notification(String source, String text) implements Message {
    }

    /** {@code SUCCESS: text}. */
    record Success(String text) implements Message {
    }

    /** {@code ERROR: text}. */
    record Failure(String text) implements Message {
    }

    /** The lines of a multi-line reply, without the closing {@code END}. */
    record Block(List<String> lines) implements Message {
        public Block {
            lines = List.copyOf(lines);
        }
    }

    /** Input that breaks the protocol; {@code excerpt} is escaped and shortened for logs. */
    record Malformed(String reason, String excerpt) implements Message {
    }
}
