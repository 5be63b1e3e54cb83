package dev.tether.loadtool.run;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/**
 * {@code --start-at}: the wall-clock moment at which a run starts, so that shards on several machines ramp
 * and measure together. Written as ISO-8601 ({@code 2026-11-29T18:30:00Z}) or as seconds since the epoch
 * ({@code 1795977000}, fractions allowed). The machines' clocks must agree (NTP), as they must for any
 * comparison of their logs.
 */
final class StartAt {
    private StartAt() {
    }

    /** @throws IllegalArgumentException naming the text and the two accepted forms */
    static Instant parse(String text) {
        String t = text.trim();
        try {
            if (t.matches("[0-9]+(\\.[0-9]+)?")) {
                double seconds = Double.parseDouble(t);
                return Instant.ofEpochMilli(Math.round(seconds * 1000));
            }
            return Instant.parse(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("--start-at '" + text + "' must be an ISO-8601 time such as 2026-11-29T18:30:00Z "
                    + "or seconds since the epoch such as 1795977000");
        }
    }

    /** How long to wait, in nanoseconds, from {@code nowMillis} (epoch) until {@code startAt}; negative when it has passed. */
    static long delayNanos(Instant startAt, long nowMillis) {
        return (startAt.toEpochMilli() - nowMillis) * 1_000_000L;
    }

    /**
     * The start time a parent process writes on {@code in} (one line, as {@link #parse} takes it), read on a daemon
     * thread: the future fails when {@code in} ends first (the parent went away) or the line is not a time.
     */
    static java.util.concurrent.CompletableFuture<Instant> readFrom(java.io.InputStream in) {
        java.util.concurrent.CompletableFuture<Instant> start = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    start.completeExceptionally(new java.io.EOFException("standard input ended before a start time came"));
                } else {
                    start.complete(parse(line));
                }
            } catch (java.io.IOException | IllegalArgumentException e) {
                start.completeExceptionally(e);
            }
        }, "loadtool-start-signal");
        reader.setDaemon(true);
        reader.start();
        return start;
    }

    /** The picocli converter. */
    static final class Converter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
