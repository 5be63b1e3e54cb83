package dev.tether.loadtool.report;

import dev.tether.loadtool.DurationConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

/**
 * One {@code --slo} threshold, such as {@code p99<20ms}, {@code errors<0.1%}, {@code connect.p99<200ms},
 * {@code push.p50<5ms} or {@code rate>900}. A threshold that names an unknown metric, compares a rate with a
 * bare number, or can never hold ({@code connected>=120%}) is rejected when it is parsed; one on a histogram
 * the run's mode cannot record ({@code push.p99} in mode {@code rate}) is rejected by {@link #validate} before
 * the run starts. A threshold whose metric recorded nothing in the run counts as broken.
 *
 * <p>Grammar: {@code NAME OP VALUE} with OP one of {@code < <= > >=} and NAME one of
 * <ul>
 *   <li>{@code [histogram.]stat}: histogram {@code latency} (default), {@code service}, {@code connect},
 *       {@code push}, {@code heartbeat}, {@code recovery} (each client's time away in an outage); stat {@code p50}, {@code p99.9} (any percentile), {@code max},
 *       {@code min}, {@code mean}; VALUE a duration with its unit ({@code 20ms}, {@code 1.5s})</li>
 *   <li>{@code errors} or {@code errors.rate}: errors as a share of everything attempted (operations and
 *       connects), as a percentage ({@code errors<0.1%}) or, for {@code errors.rate}, a fraction 0..1
 *       ({@code errors.rate<0.001}, as k6 writes it); a bare number on {@code errors} is refused, since it
 *       reads as a rate to some and as a count to others</li>
 *   <li>{@code errors.count}: the number of errors</li>
 *   <li>{@code rate}: completed operations per second</li>
 *   <li>{@code connected}: clients connected at the peak, a count or a percentage (0..100%) of the target</li>
 *   <li>{@code late}: operations sent late or never, a count or a percentage of those scheduled (modes rate, send)</li>
 *   <li>{@code reconnects}: a count</li>
 * </ul>
 */
public final class Slo {
    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9_.]*?)\\s*(<=|>=|<|>)\\s*(\\S.*?)\\s*");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d+(?:\\.\\d+)?)");
    /** What a threshold may name, for error messages and help. */
    public static final String ACCEPTED = "[latency.|service.|connect.|push.|heartbeat.|recovery.]p50|p99.9|max|min|mean<DURATION (e.g. p99<20ms, "
            + "connect.p99<200ms, recovery.p99<15s); errors<PERCENT% or errors.rate<FRACTION (e.g. errors<0.1%, errors.rate<0.001); errors.count<N; "
            + "rate>OPS_PER_SECOND; connected>=N or PERCENT%; late<N or PERCENT%; reconnects<N";

    private enum Kind { PERCENTILE, MAX, MIN, MEAN, ERROR_RATE, ERROR_COUNT, RATE, CONNECTED, LATE, RECONNECTS }

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

    /**
     * The outcome of one threshold on one run.
     *
     * @param threshold the threshold as written
     * @param passed    whether it held
     * @param actual    the measured value for people, with its unit ({@code 12.3ms}, {@code 0.100%})
     * @param value     the measured value as a number in {@code unit}; NaN when nothing was recorded
     * @param unit      {@code ms}, {@code fraction} (0..1), {@code count} or {@code ops/s}
     */
    public record Result(String threshold, boolean passed, String actual, double value, String unit) {
        public Result(String threshold, boolean passed, String actual) {
            this(threshold, passed, actual, Double.NaN, "");
        }

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
                if (!value.endsWith("%")) {
                    String o = op.symbol;
                    throw new IllegalArgumentException("'" + text + "': errors is a share of the attempts: write a percentage "
                            + "(errors" + o + value + "%), a fraction with errors.rate (errors.rate" + o + value + ") or a count with "
                            + "errors.count (errors.count" + o + value + ")");
                }
                return checked(new Slo(text, Kind.ERROR_RATE, null, 0, op, share(text, value), true));
            case "errors.rate":
                return checked(new Slo(text, Kind.ERROR_RATE, null, 0, op, share(text, value), true));
            case "errors.count":
                return checked(new Slo(text, Kind.ERROR_COUNT, null, 0, op, number(text, value), false));
            case "rate":
                return checked(new Slo(text, Kind.RATE, null, 0, op, number(text, value), false));
            case "connected":
                return countOrShare(text, Kind.CONNECTED, op, value);
            case "late":
                return countOrShare(text, Kind.LATE, op, value);
            case "reconnects":
                return checked(new Slo(text, Kind.RECONNECTS, null, 0, op, number(text, value), false));
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
            throw new IllegalArgumentException("unknown metric '" + name + "' in '" + text + "': accepted are " + ACCEPTED);
        }
        double nanos;
        try {
            nanos = DurationConverter.parse(value).toNanos();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' in '" + text + "' is not a duration: write it with its unit, e.g. 20ms or 1.5s");
        }
        return checked(new Slo(text, kind, metric, p, op, nanos, false));
    }

    private static Slo countOrShare(String text, Kind kind, Op op, String value) {
        if (value.endsWith("%")) {
            return checked(new Slo(text, kind, null, 0, op, share(text, value), true));
        }
        return checked(new Slo(text, kind, null, 0, op, number(text, value), false));
    }

    /** A percentage ({@code 0.1%}) or a fraction ({@code 0.001}) as a fraction; more than 100% is refused. */
    private static double share(String text, String value) {
        boolean percent = value.endsWith("%");
        double d = number(text, percent ? value.substring(0, value.length() - 1) : value);
        double fraction = percent ? d / 100.0 : d;
        if (fraction > 1) {
            throw new IllegalArgumentException("'" + text + "': a share is at most 100% (a fraction at most 1)"
                    + (percent ? "" : ": for " + value + "% write " + value + "%"));
        }
        return fraction;
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

    /** Refuses a threshold that no run can meet: below zero, or above everything. */
    private static Slo checked(Slo slo) {
        boolean never = (slo.op == Op.LT && slo.limit <= 0) || (slo.relative && slo.op == Op.GT && slo.limit >= 1);
        if (never) {
            throw new IllegalArgumentException("'" + slo.text + "' can never hold");
        }
        return slo;
    }

    /**
     * Checks, before a run starts, that every threshold can be measured in the given mode ({@code rate},
     * {@code closed}, {@code send}, {@code push}, {@code idle}): {@code push.p99} needs mode push,
     * {@code rate} any mode but idle, {@code late} modes rate and send. Throws an
     * {@link IllegalArgumentException} naming every threshold that cannot, and the modes that can.
     */
    public static void validate(List<Slo> slos, String mode) {
        ModeMetrics mm = ModeMetrics.of(mode);
        if (mm == null || slos == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Slo s : slos) {
            String p = s.problemIn(mm);
            if (p != null) {
                problems.add(p);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private String problemIn(ModeMetrics mm) {
        switch (kind) {
            case PERCENTILE:
            case MAX:
            case MIN:
            case MEAN:
                return mm.records(metric) ? null : "'" + text + "': mode " + mm.mode() + " records no " + metric.tag()
                        + " values (" + metric.tag() + " is recorded in mode " + ModeMetrics.modesRecording(metric) + ")";
            case RATE:
                return mm.throughput() ? null : "'" + text + "': mode " + mm.mode() + " completes no operations";
            case LATE:
                return mm.scheduled() ? null : "'" + text + "': mode " + mm.mode() + " has no schedule to be late for (late applies to modes rate and send)";
            default:
                return null;
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
                    return new Result(text, false, "no " + metric.tag() + " values recorded", Double.NaN, "ms");
                }
                actual = kind == Kind.PERCENTILE ? h.getValueAtPercentile(percentile)
                        : kind == Kind.MAX ? h.getMaxValue()
                        : kind == Kind.MIN ? h.getMinValue()
                        : h.getMean();
                shown = TextReport.millis(actual) + "ms";
                break;
            }
            case ERROR_RATE:
                actual = report.errorRate();
                shown = percent(actual);
                break;
            case ERROR_COUNT:
                actual = report.errors();
                shown = Long.toString(report.errors());
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
        String unit = switch (kind) {
            case PERCENTILE, MAX, MIN, MEAN -> "ms";
            case RATE -> "ops/s";
            default -> relative ? "fraction" : "count";
        };
        double value = unit.equals("ms") ? actual / 1e6 : actual;
        return new Result(text, op.holds(actual, limit), shown, value, unit);
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
