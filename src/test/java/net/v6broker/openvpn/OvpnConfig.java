package net.v6broker.openvpn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A line-based reading of an OpenVPN config as OpenVPN itself splits it: comments ('#', ';') and
 * blank lines skipped, a directive and its arguments split on blanks with double quotes grouping,
 * and inline {@code <tag>...</tag>} blocks kept apart. Tests parse what the renderer wrote with
 * this instead of comparing text. Immutable once parsed.
 */
public final class OvpnConfig {
    /** One directive line. */
    public record Directive(String name, List<String> args) {
    }

    private final List<Directive> directives;
    private final Map<String, String> blocks;
    private final List<OvpnConfig> connections;

    private OvpnConfig(List<Directive> directives, Map<String, String> blocks, List<OvpnConfig> connections) {
        this.directives = List.copyOf(directives);
        this.blocks = Map.copyOf(blocks);
        this.connections = List.copyOf(connections);
    }

    /** The {@code <connection>} blocks, in order, each parsed as a configuration of its own. */
    public List<OvpnConfig> connections() {
        return connections;
    }

    public static OvpnConfig parse(String text) {
        List<Directive> directives = new ArrayList<>();
        Map<String, String> blocks = new LinkedHashMap<>();
        List<OvpnConfig> connections = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("<") && line.endsWith(">") && !line.startsWith("</")) {
                String tag = line.substring(1, line.length() - 1);
                StringBuilder body = new StringBuilder();
                int j = i + 1;
                while (j < lines.length && !lines[j].strip().equals("</" + tag + ">")) {
                    body.append(lines[j]).append('\n');
                    j++;
                }
                if (j == lines.length) {
                    throw new IllegalArgumentException("unterminated <" + tag + "> at line " + (i + 1));
                }
                if (tag.equals("connection")) {
                    connections.add(parse(body.toString()));
                } else if (blocks.put(tag, body.toString()) != null) {
                    throw new IllegalArgumentException("second <" + tag + "> block at line " + (i + 1));
                }
                i = j;
                continue;
            }
            List<String> words = split(line, i + 1);
            directives.add(new Directive(words.get(0), words.subList(1, words.size())));
        }
        return new OvpnConfig(directives, blocks, connections);
    }

    private static List<String> split(String line, int number) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quote in line " + number + ": " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    public List<Directive> directives() {
        return directives;
    }

    public List<String> names() {
        return directives.stream().map(Directive::name).toList();
    }

    public boolean has(String name) {
        return directives.stream().anyMatch(d -> d.name().equals(name));
    }

    /** Every occurrence of a directive. */
    public List<List<String>> all(String name) {
        return directives.stream().filter(d -> d.name().equals(name)).map(Directive::args).toList();
    }

    /** The arguments of a directive that must occur exactly once. */
    public List<String> one(String name) {
        List<List<String>> all = all(name);
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one '" + name + "', found " + all.size() + " in " + names());
        }
        return all.get(0);
    }

    /** The pushed directives, each as its own text ({@code push "route-ipv6 2000::/3"} gives {@code route-ipv6 2000::/3}). */
    public List<String> pushed() {
        return all("push").stream().map(a -> {
            if (a.size() != 1) {
                throw new AssertionError("push takes one quoted argument: " + a);
            }
            return a.get(0);
        }).toList();
    }

    public Map<String, String> blocks() {
        return blocks;
    }
}
