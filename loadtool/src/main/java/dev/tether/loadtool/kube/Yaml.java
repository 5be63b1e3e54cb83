package dev.tether.loadtool.kube;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers and booleans as block-style YAML. Strings are always double-quoted
 * with JSON escapes (a JSON string is a YAML string), so no value is ever read back as a number, a boolean
 * or a comment. Enough for the manifests loadtool writes; not a YAML library.
 */
final class Yaml {
    private Yaml() {
    }

    /** One YAML document (without the {@code ---} separator). */
    static String document(Map<String, ?> root) {
        StringBuilder b = new StringBuilder();
        map(b, root, 0);
        return b.toString();
    }

    private static void map(StringBuilder b, Map<String, ?> m, int indent) {
        for (Map.Entry<String, ?> e : m.entrySet()) {
            b.append(" ".repeat(indent)).append(key(e.getKey())).append(':');
            value(b, e.getValue(), indent);
        }
    }

    private static void list(StringBuilder b, List<?> l, int indent) {
        for (Object item : l) {
            b.append(" ".repeat(indent)).append('-');
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                // The first key on the dash's line, the others under it.
                StringBuilder nested = new StringBuilder();
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) m;
                map(nested, typed, indent + 2);
                b.append(' ').append(nested.substring(indent + 2));
            } else {
                value(b, item, indent);
            }
        }
    }

    private static void value(StringBuilder b, Object v, int indent) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append(" {}\n");
            } else {
                b.append('\n');
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) m;
                map(b, typed, indent + 2);
            }
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                b.append(" []\n");
            } else {
                b.append('\n');
                list(b, l, indent + 2);
            }
        } else {
            b.append(' ').append(scalar(v)).append('\n');
        }
    }

    private static String key(String k) {
        return k.matches("[A-Za-z0-9_.\\-/]+") ? k : scalar(k);
    }

    static String scalar(Object v) {
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(String.valueOf(v))) + "\"";
    }
}
