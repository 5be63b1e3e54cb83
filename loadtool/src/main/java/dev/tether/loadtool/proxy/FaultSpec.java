package dev.tether.loadtool.proxy;

import dev.tether.server.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * What the {@link FaultProxy} does and when: a list of {@link Rule}s, parsed from a spec such as
 * {@code cut every 5s} or {@code delay 20ms, stall 10s every 30s}.
 *
 * <pre>
 * spec   := rule (',' rule)*
 * rule   := 'cut' when | 'stall' DURATION when | 'delay' DURATION ['jitter' DURATION] ['at' DURATION]
 * when   := 'every' DURATION | 'at' DURATION
 * </pre>
 * Times count from the proxy's start. {@code every P} strikes at P, 2P, 3P...; {@code at T} once, at T; a delay
 * without {@code at} applies from the start. A stall must be shorter than its period.
 */
public final class FaultSpec {
    /** The accepted forms, shown with every parse error. */
    public static final String FORMS = "accepted forms: 'cut every 5s', 'cut at 3s', 'stall 10s every 30s', 'stall 10s at 3s', "
            + "'delay 50ms', 'delay 50ms jitter 10ms', 'delay 50ms at 3s'; several joined with commas: 'delay 20ms, cut every 5s'";

    /** No faults: a plain relay. */
    public static final FaultSpec NONE = new FaultSpec(List.of());

    private final List<Rule> rules;

    private FaultSpec(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** A spec of these rules, in order. */
    public static FaultSpec of(List<Rule> rules) {
        return new FaultSpec(rules);
    }

    /** When a fault strikes, counted from the proxy's start. */
    public sealed interface When permits At, Every {
        /** When it first strikes. */
        Duration first();

        /** The wait after one strike until the next; {@code null} when it strikes once. */
        Duration period();

        /** As a spec writes it, e.g. {@code every 5s}; empty for {@code at 0}. */
        String description();
    }

    /** Once, at {@code time} after the start. */
    public record At(Duration time) implements When {
        public At {
            if (time.isNegative()) {
                throw new IllegalArgumentException("at must not be negative: " + Durations.format(time));
            }
        }

        @Override
        public Duration first() {
            return time;
        }

        @Override
        public Duration period() {
            return null;
        }

        @Override
        public String description() {
            return time.isZero() ? "" : "at " + Durations.format(time);
        }
    }

    /** At {@code period}, 2 x {@code period}, ... after the start. */
    public record Every(Duration period) implements When {
        public Every {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("every must be positive: " + Durations.format(period));
            }
        }

        @Override
        public Duration first() {
            return period;
        }

        @Override
        public String description() {
            return "every " + Durations.format(period);
        }
    }

    /** One fault and when it strikes. */
    public record Rule(Fault fault, When when) {
        public Rule {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(when, "when");
            if (fault instanceof Fault.Stall s && when instanceof Every e && s.duration().compareTo(e.period()) >= 0) {
                throw new IllegalArgumentException("a stall must be shorter than its period: " + s.description() + " " + e.description());
            }
            if (fault instanceof Fault.Delay && when instanceof Every) {
                throw new IllegalArgumentException("a delay stays once set: 'delay 50ms' or 'delay 50ms at 3s', not 'every'");
            }
        }

        @Override
        public String toString() {
            String w = when.description();
            return w.isEmpty() ? fault.description() : fault.description() + " " + w;
        }
    }

    /** The rules, in the order given. */
    public List<Rule> rules() {
        return rules;
    }

    /** Whether there is no rule (a plain relay). */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * Parses a spec; see the class comment for the grammar.
     *
     * @throws IllegalArgumentException naming the spec, what is wrong with it and the {@link #FORMS accepted forms}
     */
    public static FaultSpec parse(String text) {
        Objects.requireNonNull(text, "spec");
        if (text.isBlank()) {
            throw new IllegalArgumentException("the fault spec is empty; " + FORMS);
        }
        List<Rule> rules = new ArrayList<>();
        for (String clause : text.split(",", -1)) {
            try {
                rules.add(rule(clause.trim().toLowerCase(Locale.ROOT).split("\\s+")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad fault spec '" + text.strip() + "': " + e.getMessage() + "; " + FORMS, e);
            }
        }
        return new FaultSpec(rules);
    }

    private static Rule rule(String[] words) {
        Tokens t = new Tokens(words);
        String name = t.next("a fault (cut, stall or delay)");
        switch (name) {
            case "cut":
                return t.end(new Rule(new Fault.Cut(), t.when(true)));
            case "stall": {
                Duration d = t.duration("stall");
                return t.end(new Rule(new Fault.Stall(d), t.when(true)));
            }
            case "delay": {
                Duration latency = t.duration("delay");
                Duration jitter = t.accept("jitter") ? t.duration("jitter") : Duration.ZERO;
                return t.end(new Rule(new Fault.Delay(latency, jitter), t.when(false)));
            }
            default:
                throw new IllegalArgumentException(name.isEmpty() ? "a rule is empty" : "unknown fault '" + name + "'");
        }
    }

    /** The words of one rule, read left to right. */
    private static final class Tokens {
        private final String[] words;
        private int i;

        Tokens(String[] words) {
            this.words = words;
        }

        String next(String expected) {
            if (i >= words.length) {
                throw new IllegalArgumentException("expected " + expected + " after '" + String.join(" ", words) + "'");
            }
            return words[i++];
        }

        boolean accept(String word) {
            if (i < words.length && words[i].equals(word)) {
                i++;
                return true;
            }
            return false;
        }

        Duration duration(String after) {
            String w = next("a duration after '" + after + "'");
            return Durations.parse(w);
        }

        When when(boolean required) {
            if (accept("every")) {
                return new Every(duration("every"));
            }
            if (accept("at")) {
                return new At(duration("at"));
            }
            if (required) {
                throw new IllegalArgumentException("'" + String.join(" ", words) + "' needs 'every DURATION' or 'at DURATION'");
            }
            return new At(Duration.ZERO);
        }

        Rule end(Rule rule) {
            if (i < words.length) {
                throw new IllegalArgumentException("unexpected '" + words[i] + "' in '" + String.join(" ", words) + "'");
            }
            return rule;
        }
    }

    /** The spec as it parses back, e.g. {@code delay 20ms, cut every 5s}; {@code none} for no rule. */
    @Override
    public String toString() {
        return rules.isEmpty() ? "none" : rules.stream().map(Rule::toString).collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FaultSpec other && other.rules.equals(rules);
    }

    @Override
    public int hashCode() {
        return rules.hashCode();
    }

    /** picocli's view of {@link #parse}: a bad spec is a usage error with the accepted forms. */
    public static final class Converter implements CommandLine.ITypeConverter<FaultSpec> {
        @Override
        public FaultSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
