package dev.tether.server;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations as people write them: {@code 250us}, {@code 500ms}, {@code 10s}, {@code 2m},
 * {@code 1h}, {@code 1.5s}, and compound forms as Go and k6 take them ({@code 1m30s}, {@code 1h5m}); a bare
 * {@code 0} is zero; ISO-8601 ({@code PT10S}) is accepted too. Nothing here knows about a command line: a bad
 * value is an {@link IllegalArgumentException} whose message shows the value and the accepted forms, and the
 * command line's converter wraps it.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d))+");

    private static final long[] UNIT_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
            1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "m", "s", "ms", "us", "ns"};

    private Durations() {
    }

    /**
     * Parses one duration.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Duration parse(String value) {
        if (value == null) {
            throw bad("null");
        }
        String v = value.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        if (v.startsWith("p")) {
            try {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw bad(value);
            }
        }
        if (!WHOLE.matcher(v).matches()) {
            throw bad(value);
        }
        double nanos = 0;
        Matcher m = PART.matcher(v);
        while (m.find()) {
            nanos += Double.parseDouble(m.group(1)) * nanosPerUnit(m.group(2));
        }
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + value + "' is too long a duration");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /**
     * Formats a duration the way {@link #parse} reads it and a person reads it: {@code 0}, {@code 250us},
     * {@code 1m30s}, {@code 1s500ms}. Never ISO-8601.
     */
    public static String format(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        if (n < 0) {
            sb.append('-');
            n = -n;
        }
        for (int i = 0; i < UNIT_NANOS.length && n > 0; i++) {
            long count = n / UNIT_NANOS[i];
            if (count > 0) {
                sb.append(count).append(UNIT_NAMES[i]);
                n -= count * UNIT_NANOS[i];
            }
        }
        return sb.toString();
    }

    private static double nanosPerUnit(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new IllegalStateException(unit);
        };
    }

    private static IllegalArgumentException bad(String value) {
        return new IllegalArgumentException(
                "'" + value + "' is not a duration: write it like 250us, 500ms, 10s, 2m, 1h or 1m30s");
    }
}
