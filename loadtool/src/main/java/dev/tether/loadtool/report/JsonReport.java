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
 * The summary as JSON ({@code --json FILE}); the schema is documented in loadtool/README.md and named by
 * the {@code schema} field, {@value #SCHEMA}. Latency values are milliseconds (doubles).
 */
public final class JsonReport {
    /** Changes when a field is renamed or removed; new fields may appear without a change. */
    public static final String SCHEMA = "tether-loadtool-summary/1";

    private JsonReport() {
    }

    /** The summary as a tree of maps and lists, ready for Jackson. */
    public static Map<String, Object> toMap(RunReport r, List<Slo.Result> slos) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("runs", r.runs());
        root.put("info", r.info());
        root.put("durationSeconds", r.durationSeconds());
        root.put("warmupSeconds", r.counter(RunReport.WARMUP_MILLIS) / 1000.0);

        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("target", r.counter(RunReport.CLIENTS_TARGET));
        clients.put("peakConnected", r.counter(RunReport.CLIENTS_PEAK));
        clients.put("connectedAtEnd", r.counter(RunReport.CLIENTS_CONNECTED));
        clients.put("connectFailures", r.counter(RunReport.CONNECT_FAILURES));
        clients.put("reconnects", r.counter(RunReport.RECONNECTS));
        clients.put("rampSeconds", r.counter(RunReport.RAMP_MILLIS) / 1000.0);
        clients.put("connectsPerSecond", r.achievedConnectRate());
        root.put("clients", clients);

        Map<String, Object> throughput = new LinkedHashMap<>();
        throughput.put("opsPerSecond", r.throughput());
        throughput.put("targetPerSecond", r.counter(RunReport.TARGET_RATE));
        throughput.put("completed", r.counter(RunReport.OPS_COMPLETED));
        root.put("throughput", throughput);

        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("scheduled", r.counter(RunReport.OPS_SCHEDULED));
        schedule.put("late", r.counter(RunReport.OPS_LATE));
        schedule.put("notSent", r.counter(RunReport.OPS_NOT_SENT));
        schedule.put("unfinished", r.counter(RunReport.OPS_UNFINISHED));
        schedule.put("lateThresholdMillis", r.counter(RunReport.LATE_THRESHOLD_MILLIS));
        root.put("schedule", schedule);

        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("total", r.errors());
        errors.put("rate", r.errorRate());
        errors.put("byKind", r.errorsByKind());
        root.put("errors", errors);

        Map<String, Object> generator = new LinkedHashMap<>();
        generator.put("cpuPercentOfOneCore", r.cpuPercent());
        generator.put("cores", r.counter(RunReport.CORES));
        generator.put("heapUsedBytes", r.counter(RunReport.HEAP_BYTES));
        generator.put("heapPerClientBytes", r.heapPerClient());
        root.put("generator", generator);

        Map<String, Object> histograms = new LinkedHashMap<>();
        Map<String, Object> warmup = new LinkedHashMap<>();
        for (Metric m : Metric.values()) {
            if (r.histogram(m) != null) {
                histograms.put(m.tag(), histogram(r.histogram(m)));
            }
            if (r.warmupHistogram(m) != null) {
                warmup.put(m.tag(), histogram(r.warmupHistogram(m)));
            }
        }
        root.put("histograms", histograms);
        root.put("warmup", warmup);

        root.put("interrupted", r.interrupted());
        root.put("failure", r.failure());
        List<Object> sloList = new ArrayList<>();
        // A run cut short or failed never passes, whatever its thresholds say.
        boolean passed = !r.interrupted() && r.failure() == null;
        if (slos != null) {
            for (Slo.Result s : slos) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("threshold", s.threshold());
                e.put("passed", s.passed());
                e.put("actual", s.actual());
                sloList.add(e);
                passed &= s.passed();
            }
        }
        root.put("slo", sloList);
        root.put("passed", passed);
        root.put("warnings", r.warnings());
        root.put("counters", r.counters());
        return root;
    }

    static Map<String, Object> histogram(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", "ms");
        m.put("count", h.getTotalCount());
        m.put("min", h.getMinValue() / 1e6);
        m.put("mean", h.getMean() / 1e6);
        m.put("max", h.getMaxValue() / 1e6);
        Map<String, Object> p = new LinkedHashMap<>();
        for (double level : TextReport.PERCENTILES) {
            p.put(TextReport.number(level), h.getValueAtPercentile(level) / 1e6);
        }
        m.put("percentiles", p);
        return m;
    }

    /** Writes the summary to a file (replacing it). */
    public static void write(Path file, RunReport r, List<Slo.Result> slos) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap(r, slos));
    }
}
