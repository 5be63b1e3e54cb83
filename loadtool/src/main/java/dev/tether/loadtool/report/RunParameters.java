package dev.tether.loadtool.report;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The plan a run followed, as the reports show it: every figure carries its unit in its name. A live run
 * fills it from its plan; {@code loadtool report} reads it back from the {@code #tether param} lines of a
 * {@code .hlog}. Rates that a mode does not use are 0.
 *
 * @param mode                 {@code rate}, {@code closed}, {@code send}, {@code push} or {@code idle}
 * @param clients              clients (connections) planned
 * @param connectRatePerSecond clients connected per second during the ramp
 * @param ratePerSecond        operations per second over all clients (modes rate and send), else 0
 * @param durationMillis       the measured period planned
 * @param warmupMillis         load before the measured period, not part of the result
 * @param payloadBytes         payload bytes of each request or send
 * @param outstanding          requests in flight per client (the cap in rate/send, the constant in closed)
 * @param requestTimeoutMillis a request unanswered this long counts as an error
 * @param heartbeatMillis      heartbeat interval asked for; 0 = the SDK's default
 * @param pushRatePerSecond    pushes per second to each client asked of the embedded server (mode push), else 0
 * @param lateThresholdMillis  an operation sent later than this after its intended time counts as late
 * @param toolVersion          the loadtool version that ran
 * @param commandLine          the arguments of {@code loadtool run}, as typed; "" when not known
 */
public record RunParameters(String mode, int clients, double connectRatePerSecond, double ratePerSecond,
                            long durationMillis, long warmupMillis, int payloadBytes, int outstanding,
                            long requestTimeoutMillis, long heartbeatMillis, double pushRatePerSecond,
                            long lateThresholdMillis, String toolVersion, String commandLine) {

    public RunParameters {
        mode = mode == null ? "" : mode;
        toolVersion = toolVersion == null ? currentVersion() : toolVersion;
        commandLine = commandLine == null ? "" : commandLine;
    }

    /** The version of this loadtool build, from the jar's manifest; "development build" when run from classes. */
    public static String currentVersion() {
        String v = RunParameters.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** The parameters as ordered key/value text, the form of the {@code .hlog} lines. */
    Map<String, String> toText() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", mode);
        m.put("clients", Integer.toString(clients));
        m.put("connectRatePerSecond", num(connectRatePerSecond));
        m.put("ratePerSecond", num(ratePerSecond));
        m.put("durationMillis", Long.toString(durationMillis));
        m.put("warmupMillis", Long.toString(warmupMillis));
        m.put("payloadBytes", Integer.toString(payloadBytes));
        m.put("outstanding", Integer.toString(outstanding));
        m.put("requestTimeoutMillis", Long.toString(requestTimeoutMillis));
        m.put("heartbeatMillis", Long.toString(heartbeatMillis));
        m.put("pushRatePerSecond", num(pushRatePerSecond));
        m.put("lateThresholdMillis", Long.toString(lateThresholdMillis));
        m.put("toolVersion", toolVersion);
        m.put("commandLine", commandLine);
        return m;
    }

    /** Parameters read back from {@link #toText()}; {@code null} when the text holds no mode (an older log). */
    static RunParameters fromText(Map<String, String> m) {
        if (!m.containsKey("mode")) {
            return null;
        }
        return new RunParameters(m.get("mode"), (int) lng(m, "clients"), dbl(m, "connectRatePerSecond"),
                dbl(m, "ratePerSecond"), lng(m, "durationMillis"), lng(m, "warmupMillis"), (int) lng(m, "payloadBytes"),
                (int) lng(m, "outstanding"), lng(m, "requestTimeoutMillis"), lng(m, "heartbeatMillis"),
                dbl(m, "pushRatePerSecond"), lng(m, "lateThresholdMillis"), m.getOrDefault("toolVersion", "unknown"),
                m.getOrDefault("commandLine", ""));
    }

    /**
     * One line for people, naming only what the mode uses: {@code rate 2000/s, 200 clients (connect 2000/s),
     * 64 B payload, 1 outstanding, 10s measured + 2s warm-up, request timeout 10s}.
     */
    public String describe() {
        boolean sends = mode.equals("rate") || mode.equals("closed") || mode.equals("send");
        boolean requests = mode.equals("rate") || mode.equals("closed");
        StringBuilder b = new StringBuilder(mode);
        if (ratePerSecond > 0) {
            b.append(' ').append(num(ratePerSecond)).append("/s");
        }
        if (pushRatePerSecond > 0) {
            b.append(", ").append(num(pushRatePerSecond)).append(" pushes/s per client");
        }
        b.append(String.format(Locale.ROOT, ", %d clients (connect %s/s)", clients, num(connectRatePerSecond)));
        if (sends) {
            b.append(String.format(Locale.ROOT, ", %d B payload, %d outstanding", payloadBytes, outstanding));
        }
        b.append(", ").append(seconds(durationMillis)).append(" measured")
                .append(warmupMillis > 0 ? " + " + seconds(warmupMillis) + " warm-up" : ", no warm-up");
        if (requests) {
            b.append(", request timeout ").append(seconds(requestTimeoutMillis));
        }
        if (heartbeatMillis > 0) {
            b.append(", heartbeat ").append(seconds(heartbeatMillis));
        }
        return b.toString();
    }

    private static String seconds(long millis) {
        return dev.tether.server.Durations.format(java.time.Duration.ofMillis(millis));
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static long lng(Map<String, String> m, String k) {
        try {
            return Long.parseLong(m.getOrDefault(k, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double dbl(Map<String, String> m, String k) {
        try {
            return Double.parseDouble(m.getOrDefault(k, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
