package dev.tether.loadtool;

import dev.tether.server.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * picocli's view of {@link Durations}: the same forms ({@code 250us}, {@code 10s}, {@code 1m30s}, ...), with a
 * bad value reported as picocli's own conversion error.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses one duration; the message of the exception shows the value and the accepted forms. */
    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Formats a duration the way {@link #parse} reads it. */
    public static String format(Duration d) {
        return Durations.format(d);
    }
}
