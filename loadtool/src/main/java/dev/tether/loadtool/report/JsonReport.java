package dev.tether.loadtool.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The summary as JSON ({@code --json FILE}). Its JSON Schema is the resource {@value #SCHEMA_RESOURCE}
 * (also in the repository under loadtool/src/main/resources), named by the {@code schema} field,
 * {@value #SCHEMA}. Every number carries its unit in its key ({@code durationSeconds}, {@code p99} under
 * {@code percentilesMillis}) or, for plain counts and fractions, in the schema's description. Every key is
 * present in every summary: a figure that is zero is 0, and a figure that is not known or was not merged
 * (plans of runs made at different times) is {@code null}.
 */
public final class JsonReport {
    /** Changes when a field is renamed or removed; new fields may appear without a change. */
    public static final String SCHEMA = "tether-loadtool-summary/2";
    /** Where the JSON Schema of the summary lies on the class path. */
    public static final String SCHEMA_RESOURCE = "/dev/tether/loadtool/report/summary.schema.json";

    private JsonReport() {
    }

    /** The summary as a tree of maps and lists, ready for Jackson. */
    public static Map<String, Object> toMap(RunReport r, List<Slo.Result> slos) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "loadtool");
        tool.put("version", RunParameters.currentVersion());
        root.put("tool", tool);
        root.put("started", r.info(RunReport.STARTED));
        root.put("interrupted", r.interrupted());
        root.put("failure", r.failure());
        // A run cut short or failed never passes, whatever its thresholds say.
        boolean passed = !r.interrupted() && r.failure() == null;
        List<Object> sloList = new ArrayList<>();
        if (slos != null) {
            for (Slo.Result s : slos) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("threshold", s.threshold());
                e.put("passed", s.passed());
                e.put("actual", s.actual());
                e.put("value", Double.isNaN(s.value()) ? null : s.value());
                e.put("unit", s.unit());
                sloList.add(e);
                passed &= s.passed();
            }
        }
        root.put("passed", passed);
        root.put("runs", r.runs());
        root.put("sideBySide", r.sideBySide());
        root.put("mode", r.mode());
        root.put("target", r.info(RunReport.TARGET));
        root.put("parameters", r.parameters() == null ? null : parameters(r.parameters()));
        root.put("durationSeconds", seconds(r, RunReport.DURATION_MILLIS));
        root.put("warmupSeconds", seconds(r, RunReport.WARMUP_MILLIS));

        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("target", count(r, RunReport.CLIENTS_TARGET));
        clients.put("peakConnected", count(r, RunReport.CLIENTS_PEAK));
        clients.put("connectedAtEnd", count(r, RunReport.CLIENTS_CONNECTED));
        clients.put("connectFailures", r.counter(RunReport.CONNECT_FAILURES));
        clients.put("reconnects", r.counter(RunReport.RECONNECTS));
        clients.put("neverConnected", r.counter(RunReport.NEVER_CONNECTED));
        clients.put("neverConnectedByReason", r.neverConnectedByReason());
        clients.put("rampCompleted", r.rampCompleted());
        clients.put("rampSeconds", seconds(r, RunReport.RAMP_MILLIS));
        clients.put("readySeconds", seconds(r, RunReport.READY_MILLIS));
        clients.put("connectsPerSecond", merged(r, RunReport.RAMP_MILLIS) ? r.achievedConnectRate() : null);
        clients.put("targetConnectsPerSecond", count(r, RunReport.TARGET_CONNECT_RATE));
        root.put("clients", clients);

        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("completed", r.counter(RunReport.OPS_COMPLETED));
        throughput.put("opsPerSecond", merged(r, RunReport.DURATION_MILLIS) ? r.throughput() : null);
        throughput.put("targetOpsPerSecond", count(r, RunReport.TARGET_RATE));
        root.put("throughput", throughput);

        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("scheduled", r.counter(RunReport.OPS_SCHEDULED));
        schedule.put("late", r.counter(RunReport.OPS_LATE));
        schedule.put("notSent", r.counter(RunReport.OPS_NOT_SENT));
        schedule.put("unfinished", r.counter(RunReport.OPS_UNFINISHED));
        schedule.put("lateThresholdMillis", count(r, RunReport.LATE_THRESHOLD_MILLIS));
        root.put("schedule", schedule);

        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("total", r.errors());
        errors.put("fraction", r.errorRate());
        errors.put("byKind", r.errorsByKind());
        root.put("errors", errors);

        root.put("generator", generator(r));

        Map<String, Object> histograms = new LinkedHashMap<>();
        Map<String, Object> warmup = new LinkedHashMap<>();
        for (Metric m : Metric.values()) {
            histograms.put(m.tag(), histogram(r.histogram(m)));
            warmup.put(m.tag(), histogram(r.warmupHistogram(m)));
        }
        root.put("histograms", histograms);
        root.put("outages", outages(r));
        root.put("mix", MixReport.json(r.mix()));
        Delivery delivery = Delivery.of(r);
        root.put("delivery", delivery == null ? null : delivery.toJson());
        root.put("warmup", warmup);
        root.put("slo", sloList);
        root.put("warnings", r.warnings());
        List<Object> inputs = new ArrayList<>();
        for (RunReport in : r.inputs().isEmpty() ? List.of(r) : r.inputs()) {
            inputs.add(input(in));
        }
        root.put("inputs", inputs);
        root.put("info", r.info());
        root.put("counters", r.counters());
        return root;
    }

    private static Map<String, Object> input(RunReport in) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", in.info(RunReport.SOURCE));
        m.put("started", in.info(RunReport.STARTED));
        m.put("interrupted", in.interrupted());
        m.put("mode", in.mode());
        m.put("parameters", in.parameters() == null ? null : parameters(in.parameters()));
        m.put("durationSeconds", seconds(in, RunReport.DURATION_MILLIS));
        m.put("completed", in.counter(RunReport.OPS_COMPLETED));
        m.put("opsPerSecond", in.hasCounter(RunReport.DURATION_MILLIS) ? in.throughput() : null);
        m.put("targetOpsPerSecond", count(in, RunReport.TARGET_RATE));
        m.put("clientsTarget", count(in, RunReport.CLIENTS_TARGET));
        m.put("clientsPeakConnected", count(in, RunReport.CLIENTS_PEAK));
        m.put("errorsTotal", in.errors());
        Histogram h = in.histogram(in.primaryMetric());
        m.put("primaryHistogram", in.primaryMetric().tag());
        m.put("p99Millis", h == null ? null : h.getValueAtPercentile(99) / 1e6);
        m.put("generator", generator(in));
        return m;
    }

    private static Map<String, Object> generator(RunReport r) {
        Map<String, Object> generator = new LinkedHashMap<>();
        double cpu = r.cpuPercent();
        double heapPerClient = r.heapPerClient();
        generator.put("cpuPercentOfOneCore", cpu < 0 ? null : cpu);
        generator.put("cores", r.hasCounter(RunReport.CORES) ? r.counter(RunReport.CORES) : null);
        generator.put("heapUsedBytes", r.hasCounter(RunReport.HEAP_BYTES) ? r.counter(RunReport.HEAP_BYTES) : null);
        generator.put("heapPerClientBytes", heapPerClient < 0 ? null : heapPerClient);
        generator.put("embeddedServerIncluded", r.info("embedded") != null);
        return generator;
    }

    static Map<String, Object> parameters(RunParameters p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", p.mode());
        m.put("clients", p.clients());
        m.put("connectRatePerSecond", p.connectRatePerSecond());
        m.put("ratePerSecond", p.ratePerSecond());
        m.put("durationMillis", p.durationMillis());
        m.put("warmupMillis", p.warmupMillis());
        m.put("payloadBytes", p.payloadBytes());
        m.put("outstanding", p.outstanding());
        m.put("requestTimeoutMillis", p.requestTimeoutMillis());
        m.put("heartbeatMillis", p.heartbeatMillis());
        m.put("pushRatePerSecond", p.pushRatePerSecond());
        m.put("lateThresholdMillis", p.lateThresholdMillis());
        m.put("toolVersion", p.toolVersion());
        m.put("commandLine", p.commandLine());
        return m;
    }

    /** A counter that a merge of unrelated runs leaves out: its value, or {@code null} when left out. */
    private static Long count(RunReport r, String key) {
        return merged(r, key) ? Long.valueOf(r.counter(key)) : null;
    }

    private static Double seconds(RunReport r, String key) {
        return merged(r, key) ? r.counter(key) / 1000.0 : null;
    }

    /** Whether a counter means something here: always for one run, only when merged for several. */
    private static boolean merged(RunReport r, String key) {
        return r.runs() == 1 || r.hasCounter(key);
    }

    /** A histogram in milliseconds; an empty or missing one has count 0 and {@code null} values. */
    /** The outage episodes' figures; zeros when there was none. */
    private static Map<String, Object> outages(RunReport r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("episodes", r.counter(RunReport.OUTAGE_EPISODES));
        o.put("recovered", r.counter(RunReport.OUTAGE_RECOVERED));
        o.put("disconnects", r.counter(RunReport.OUTAGE_DISCONNECTS));
        o.put("drains", r.counter(RunReport.OUTAGE_DRAINS));
        o.put("reconnectAttempts", r.counter(RunReport.OUTAGE_ATTEMPTS));
        o.put("reconnects", r.counter(RunReport.OUTAGE_RECONNECTS));
        o.put("allBackSeconds", r.hasCounter(RunReport.OUTAGE_ALL_BACK_MILLIS) ? r.counter(RunReport.OUTAGE_ALL_BACK_MILLIS) / 1000.0 : null);
        o.put("peakReconnectsPerSecond", r.counter(RunReport.OUTAGE_PEAK_RATE));
        o.put("downAtEnd", r.counter(RunReport.OUTAGE_DOWN_AT_END));
        o.put("summary", r.info(RunReport.OUTAGES));
        List<Object> perSecond = new ArrayList<>();
        for (Timeline.Point p : r.timeline().points()) {
            Long d = p.bucket().gauge(RunReport.GAUGE_DISCONNECTS);
            Long a = p.bucket().gauge(RunReport.GAUGE_RECONNECT_ATTEMPTS);
            Long c = p.bucket().gauge(RunReport.GAUGE_RECONNECTS);
            if (d == null && a == null && c == null) {
                continue;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("atSeconds", p.startSeconds());
            s.put("disconnects", d == null ? 0 : d);
            s.put("reconnectAttempts", a == null ? 0 : a);
            s.put("reconnects", c == null ? 0 : c);
            perSecond.add(s);
        }
        o.put("perSecond", perSecond);
        return o;
    }

    static Map<String, Object> histogram(Histogram h) {
        boolean empty = h == null || h.getTotalCount() == 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", empty ? 0 : h.getTotalCount());
        m.put("minMillis", empty ? null : h.getMinValue() / 1e6);
        m.put("meanMillis", empty ? null : h.getMean() / 1e6);
        m.put("maxMillis", empty ? null : h.getMaxValue() / 1e6);
        Map<String, Object> p = new LinkedHashMap<>();
        for (double level : TextReport.PERCENTILES) {
            p.put(TextReport.number(level), empty ? null : h.getValueAtPercentile(level) / 1e6);
        }
        m.put("percentilesMillis", p);
        return m;
    }

    /** Writes the summary to a file (replacing it). */
    public static void write(Path file, RunReport r, List<Slo.Result> slos) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap(r, slos));
    }
}
