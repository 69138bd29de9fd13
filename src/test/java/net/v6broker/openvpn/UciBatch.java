package net.v6broker.openvpn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of {@code uci batch} input as OpenWrt's uci(1) takes it, for the commands our
 * router archives use: {@code set CONFIG.SECTION=TYPE} (a named section), {@code set
 * CONFIG.SECTION.OPTION='VALUE'} and {@code add_list CONFIG.SECTION.OPTION='VALUE'}. Names are
 * uci's ({@code [A-Za-z0-9_]+}); a value is single-quoted and holds no quote or newline (uci would
 * read those as more tokens). Anything else is refused with its line number, as uci would refuse
 * or misread it. Debian has no uci package to run; this reads what uci reads.
 */
public final class UciBatch {
    private static final Pattern LINE = Pattern.compile(
            "(set|add_list) ([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)(?:\\.([A-Za-z0-9_]+))?=(?:'([^'\\n]*)'|([A-Za-z0-9_]+))");
    /** Section types by "config.section". */
    public final Map<String, String> sections = new LinkedHashMap<>();
    /** Option values by "config.section.option": one for set, each in order for add_list. */
    public final Map<String, List<String>> options = new LinkedHashMap<>();

    public static UciBatch parse(String text, List<String> existingSections) {
        UciBatch b = new UciBatch();
        String[] lines = text.split("\n", -1);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line has no newline");
        }
        for (int i = 0; i < lines.length - 1; i++) {
            Matcher m = LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a set or add_list command: " + lines[i]);
            }
            String section = m.group(2) + "." + m.group(3);
            String value = m.group(5) != null ? m.group(5) : m.group(6);
            if (m.group(4) == null) {
                if (!m.group(1).equals("set") || m.group(6) == null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": a section is made by set CONFIG.NAME=TYPE");
                }
                b.sections.put(section, value);
                continue;
            }
            if (!b.sections.containsKey(section) && !existingSections.contains(section)) {
                throw new IllegalArgumentException("line " + (i + 1) + ": section " + section + " does not exist");
            }
            String key = section + "." + m.group(4);
            if (m.group(1).equals("set")) {
                b.options.put(key, new ArrayList<>(List.of(value)));
            } else {
                b.options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        return b;
    }

    public String one(String key) {
        List<String> v = options.get(key);
        if (v == null || v.size() != 1) {
            throw new AssertionError(key + " is " + v + ", not one value");
        }
        return v.get(0);
    }

    public List<String> list(String key) {
        return options.getOrDefault(key, List.of());
    }

    /** The sections of a type, by name. */
    public List<String> ofType(String config, String type) {
        List<String> out = new ArrayList<>();
        sections.forEach((s, t) -> {
            if (t.equals(type) && s.startsWith(config + ".")) {
                out.add(s);
            }
        });
        return out;
    }
}
