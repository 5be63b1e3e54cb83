package dev.tether.loadtool.report;

import dev.tether.loadtool.DurationConverter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

/**
 * One {@code --slo} threshold, such as {@code p99<20ms}, {@code errors<0.1%}, {@code connect.p99<200ms},
 * {@code push.p50<5ms} or {@code rate>900}. A threshold that names an unknown metric is rejected when it
 * is parsed, so a typo fails the command at start instead of passing silently; a threshold whose metric
 * recorded nothing in the run counts as broken.
 *
 * <p>Grammar: {@code NAME OP VALUE} with OP one of {@code < <= > >=} and NAME one of
 * <ul>
 *   <li>{@code [histogram.]stat}: histogram {@code latency} (default), {@code service}, {@code connect},
 *       {@code push}, {@code heartbeat}, {@code recovery} (each client's time away in an outage); stat {@code p50}, {@code p99.9} (any percentile), {@code max},
 *       {@code min}, {@code mean}; VALUE a duration with its unit ({@code 20ms}, {@code 1.5s})</li>
 *   <li>{@code errors}: VALUE a percentage of everything attempted ({@code 0.1%}) or a count</li>
 *   <li>{@code rate}: completed operations per second</li>
 *   <li>{@code connected}: clients connected at the peak, a count or a percentage of the target</li>
 *   <li>{@code late}: operations sent late or never, a count or a percentage of those scheduled</li>
 *   <li>{@code reconnects}: a count</li>
 * </ul>
 */
public final class Slo {
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.]*?)\\s*(<=|>=|<|>)\\s*(\\S.*?)\\s*");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d+(?:\\.\\d+)?)");
    static final String KNOWN = "p50, p90, p99, p99.9 (any percentile), max, min, mean, optionally prefixed by "
            + "latency., service., connect., push., heartbeat. or recovery. (e.g. connect.p99<200ms, recovery.p99<15s); errors, rate, connected, late, reconnects";

    private enum Kind { PERCENTILE, MAX, MIN, MEAN, ERRORS, RATE, CONNECTED, LATE, RECONNECTS }

    private enum Op {
        LT("<"), LE("<="), GT(">"), GE(">=");
        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double actual, double limit) {
            switch (this) {
                case LT: return actual < limit;
                case LE: return actual <= limit;
                case GT: return actual > limit;
                default: return actual >= limit;
            }
        }

        static Op of(String s) {
            for (Op o : values()) {
                if (o.symbol.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(s);
        }
    }

    /** The outcome of one threshold on one run. */
    public record Result(String threshold, boolean passed, String actual) {
        @Override
        public String toString() {
            return (passed ? "PASS " : "FAIL ") + threshold + " (actual " + actual + ")";
        }
    }

    private final String text;
    private final Kind kind;
    private final Metric metric;
    private final double percentile;
    private final Op op;
    private final double limit;     // nanos for durations, fraction for percentages, else a plain number
    private final boolean relative; // the value was a percentage

    private Slo(String text, Kind kind, Metric metric, double percentile, Op op, double limit, boolean relative) {
        this.text = text;
        this.kind = kind;
        this.metric = metric;
        this.percentile = percentile;
        this.op = op;
        this.limit = limit;
        this.relative = relative;
    }

    /** Parses a threshold; the exception's message shows the text and what is accepted. */
    public static Slo parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a threshold: write NAME<VALUE, e.g. p99<20ms, errors<0.1%, rate>900");
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        Op op = Op.of(m.group(2));
        String value = m.group(3).trim();
        switch (name) {
            case "errors":
                return countOrShare(text, Kind.ERRORS, op, value);
            case "rate":
                return new Slo(text, Kind.RATE, null, 0, op, number(text, value), false);
            case "connected":
                return countOrShare(text, Kind.CONNECTED, op, value);
            case "late":
                return countOrShare(text, Kind.LATE, op, value);
            case "reconnects":
                return new Slo(text, Kind.RECONNECTS, null, 0, op, number(text, value), false);
            default:
                break;
        }
        Metric metric = Metric.LATENCY;
        String stat = name;
        int dot = name.indexOf('.');
        if (dot > 0 && Metric.forTag(name.substring(0, dot)) != null) {
            metric = Metric.forTag(name.substring(0, dot));
            stat = name.substring(dot + 1);
        }
        Kind kind;
        double p = 0;
        Matcher pm = PERCENTILE.matcher(stat);
        if (pm.matches()) {
            kind = Kind.PERCENTILE;
            p = Double.parseDouble(pm.group(1));
            if (p <= 0 || p > 100) {
                throw new IllegalArgumentException("percentile out of range in '" + text + "': write p50 .. p100");
            }
        } else if (stat.equals("max")) {
            kind = Kind.MAX;
        } else if (stat.equals("min")) {
            kind = Kind.MIN;
        } else if (stat.equals("mean")) {
            kind = Kind.MEAN;
        } else {
            throw new IllegalArgumentException("unknown metric '" + name + "' in '" + text + "': known are " + KNOWN);
        }
        double nanos;
        try {
            nanos = DurationConverter.parse(value).toNanos();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' in '" + text + "' is not a duration: write it with its unit, e.g. 20ms or 1.5s");
        }
        if (value.equals("0") && op == Op.LT) {
            throw new IllegalArgumentException("'" + text + "' can never hold");
        }
        return new Slo(text, kind, metric, p, op, nanos, false);
    }

    private static Slo countOrShare(String text, Kind kind, Op op, String value) {
        if (value.endsWith("%")) {
            return new Slo(text, kind, null, 0, op, number(text, value.substring(0, value.length() - 1)) / 100.0, true);
        }
        return new Slo(text, kind, null, 0, op, number(text, value), false);
    }

    private static double number(String text, String value) {
        try {
            double d = Double.parseDouble(value.trim());
            if (Double.isNaN(d) || Double.isInfinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' in '" + text + "' is not a number");
        }
    }

    /** The threshold as written. */
    @Override
    public String toString() {
        return text;
    }

    /** Checks the threshold against a run; a histogram that recorded nothing breaks it. */
    public Result evaluate(RunReport report) {
        double actual;
        String shown;
        switch (kind) {
            case PERCENTILE:
            case MAX:
            case MIN:
            case MEAN: {
                Histogram h = report.histogram(metric);
                if (h == null || h.getTotalCount() == 0) {
                    return new Result(text, false, "no " + metric.tag() + " values recorded");
                }
                actual = kind == Kind.PERCENTILE ? h.getValueAtPercentile(percentile)
                        : kind == Kind.MAX ? h.getMaxValue()
                        : kind == Kind.MIN ? h.getMinValue()
                        : h.getMean();
                shown = TextReport.millis(actual) + "ms";
                break;
            }
            case ERRORS:
                actual = relative ? report.errorRate() : report.errors();
                shown = relative ? percent(actual) : Long.toString(report.errors());
                break;
            case RATE:
                actual = report.throughput();
                shown = String.format(Locale.ROOT, "%.1f/s", actual);
                break;
            case CONNECTED: {
                long peak = report.counter(RunReport.CLIENTS_PEAK);
                long target = report.counter(RunReport.CLIENTS_TARGET);
                actual = relative ? (target == 0 ? 0 : (double) peak / target) : peak;
                shown = relative ? percent(actual) : Long.toString(peak);
                break;
            }
            case LATE: {
                long late = report.counter(RunReport.OPS_LATE) + report.counter(RunReport.OPS_NOT_SENT);
                long scheduled = report.counter(RunReport.OPS_SCHEDULED);
                actual = relative ? (scheduled == 0 ? 0 : (double) late / scheduled) : late;
                shown = relative ? percent(actual) : Long.toString(late);
                break;
            }
            default:
                actual = report.counter(RunReport.RECONNECTS);
                shown = Long.toString((long) actual);
                break;
        }
        return new Result(text, op.holds(actual, limit), shown);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.3f%%", fraction * 100);
    }

    /** picocli converter: a bad threshold is a usage error (exit code 2) with the parse message. */
    public static final class Converter implements CommandLine.ITypeConverter<Slo> {
        @Override
        public Slo convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
