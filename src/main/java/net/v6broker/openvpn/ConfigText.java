package net.v6broker.openvpn;

import java.util.regex.Pattern;

/**
 * Builds OpenVPN config text one line at a time: directives whose arguments pass {@link Safe#token},
 * pushed directives, constant lines, comments and inline blocks. Nothing but these can be appended,
 * so no argument can start a new line or carry a quote. Not thread-safe: one per rendering.
 */
final class ConfigText {
    private static final Pattern DIRECTIVE = Pattern.compile("[a-z][a-z0-9-]*");
    private final StringBuilder text = new StringBuilder(4096);

    /** {@code name arg1 arg2 ...}; every argument is checked against the whitelist. */
    ConfigText directive(String name, Object... args) {
        text.append(checkName(name));
        for (Object a : args) {
            text.append(' ').append(Safe.token(name + " argument", String.valueOf(a)));
        }
        text.append('\n');
        return this;
    }

    /** {@code push "name arg1 ..."}, with the same checks. */
    ConfigText push(String name, Object... args) {
        StringBuilder inner = new StringBuilder(checkName(name));
        for (Object a : args) {
            inner.append(' ').append(Safe.token("pushed " + name + " argument", String.valueOf(a)));
        }
        text.append("push \"").append(inner).append("\"\n");
        return this;
    }

    /** A fixed line from the code itself (such as {@code redirect-gateway ipv6 !ipv4}), never from data. */
    ConfigText constant(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a constant config line must be one line");
        }
        text.append(line).append('\n');
        return this;
    }

    /** {@code # text}; the text must be one line. */
    ConfigText comment(String comment) {
        for (int i = 0; i < comment.length(); i++) {
            char c = comment.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new UnsafeValueException("refusing a comment with a control character: "
                        + net.v6broker.config.Validation.quote(comment));
            }
        }
        text.append("# ").append(comment).append('\n');
        return this;
    }

    ConfigText blank() {
        text.append('\n');
        return this;
    }

    /** {@code <tag>}, the content (ending in a newline), {@code </tag>}. */
    ConfigText inline(String tag, String content) {
        String body = Safe.block(checkName(tag), content).replace("\r\n", "\n");
        text.append('<').append(tag).append(">\n").append(body);
        if (!body.endsWith("\n")) {
            text.append('\n');
        }
        text.append("</").append(tag).append(">\n");
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private static String checkName(String name) {
        if (!DIRECTIVE.matcher(name).matches()) {
            throw new IllegalArgumentException("not an OpenVPN directive name: " + net.v6broker.config.Validation.quote(name));
        }
        return name;
    }
}
