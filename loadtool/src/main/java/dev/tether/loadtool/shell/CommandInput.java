package dev.tether.loadtool.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One line typed at the shell, split into the command name and the rest. The rest is kept verbatim
 * (only leading and trailing blanks are dropped) because a payload is "everything after the command":
 * {@code request hello   world} sends {@code hello   world}.
 *
 * @param name the command name, lower case; empty for a blank line or a comment ({@code # ...})
 * @param rest everything after the name
 */
record CommandInput(String name, String rest) {

    static CommandInput parse(String line) {
        String s = line == null ? "" : line.strip();
        if (s.startsWith("#")) {
            return new CommandInput("", "");
        }
        int space = indexOfBlank(s);
        if (space < 0) {
            return new CommandInput(s.toLowerCase(Locale.ROOT), "");
        }
        return new CommandInput(s.substring(0, space).toLowerCase(Locale.ROOT), s.substring(space).strip());
    }

    boolean isBlank() {
        return name.isEmpty();
    }

    /** The rest split on blanks (for commands whose arguments are words, not a payload). */
    List<String> words() {
        return rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+"));
    }

    /**
     * Takes the leading {@code --options} off the rest: {@code --name value}, {@code --name=value} or a
     * bare flag; {@code --} ends the options. What follows is returned verbatim as {@link Parsed#rest}.
     *
     * @param valued the options that take a value
     * @param flags the options that take none
     * @throws IllegalArgumentException naming the option and the accepted ones when an option is unknown or lacks a value
     */
    Parsed options(Set<String> valued, Set<String> flags) {
        Map<String, String> found = new LinkedHashMap<>();
        String s = rest;
        while (s.startsWith("--")) {
            int end = indexOfBlank(s);
            String token = end < 0 ? s : s.substring(0, end);
            String after = end < 0 ? "" : s.substring(end).stripLeading();
            if (token.equals("--")) {
                s = after;
                break;
            }
            String option = token;
            String value = null;
            int eq = token.indexOf('=');
            if (eq > 0) {
                option = token.substring(0, eq);
                value = token.substring(eq + 1);
            }
            if (flags.contains(option) && value == null) {
                found.put(option, "true");
                s = after;
            } else if (valued.contains(option)) {
                if (value == null) {
                    int valueEnd = indexOfBlank(after);
                    value = valueEnd < 0 ? after : after.substring(0, valueEnd);
                    after = valueEnd < 0 ? "" : after.substring(valueEnd).stripLeading();
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                }
                found.put(option, value);
                s = after;
            } else {
                List<String> known = new ArrayList<>(valued);
                known.addAll(flags);
                known.sort(null);
                throw new IllegalArgumentException("unknown option " + option + " for " + name
                        + (known.isEmpty() ? " (it takes none)" : "; options: " + String.join(", ", known))
                        + (known.isEmpty() ? "" : "; put -- before a payload that starts with --"));
            }
        }
        return new Parsed(found, s);
    }

    /** Options found by {@link #options} and the verbatim rest after them. */
    record Parsed(Map<String, String> options, String rest) {
        String get(String option) {
            return options.get(option);
        }

        boolean has(String option) {
            return options.containsKey(option);
        }
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
