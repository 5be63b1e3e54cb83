package dev.tether.bench.floor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * The floor table of issue 13 in one command: each row measured for Tether (the SDK and the reference server)
 * and for a bare Netty client and server (same frames, transport, socket options and event-loop count) in the
 * same session, in interleaved rounds, and printed with medians, ratios and the aim of each row.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tether.bench.floor.Floor [--quick] [--rounds N] [--nats] [--nats-server PATH]
 *     [--only connect|requests|push]   (one group of rows: the connects and the idle heap, the closed loop and the
 *     fixed rate, or the push fan-out; the other rows print as NaN)
 *     [--clients-only]   (Tether's clients talk to the bare server too: the client rows then compare the two
 *     clients alone, without the reference server's own pace in the client's CPU per request)
 *     [--jvm-option OPTION]...   (added to every child JVM; {log} and {name} are replaced, e.g.
 *     --jvm-option -XX:StartFlightRecording=filename={log}/{name}.jfr,settings=profile)
 * </pre>
 *
 * <p>Each round runs one session per side (the order alternates): a fresh server JVM and a client JVM (both
 * {@link Agent}s), then, in order: the client warms its connect path up against a throwaway server of its
 * own; N connections to the fresh server (the connect rate and the server's CPU per connect while it is
 * cold); all closed; N again (server and client CPU per connect, warmed; the client's heap per idle
 * connection with all N open); then 1,000 connections for the closed loop (client CPU and allocation per
 * request), the fixed rate (latency from the intended send time) and the push fan-out (server CPU per
 * delivery). CPU is process CPU time (JIT and GC included), never wall time. The closed loop also reports
 * what the CPU of other processes took of the machine meanwhile (from {@code /proc/stat}), its rate per
 * CPU-second of client and server, and its ratios again over the rounds that ran without such company. With {@code --nats} every round
 * also runs nats-server and jnats clients (build with {@code -Pbench,nats}).
 */
public final class Floor {
    /** The counts of one run; {@link #QUICK} is a smoke check, not a measurement. */
    record Plan(int rounds, int connections, int warmupConnections, int window, int loadConnections,
                double closedSeconds, double rateSeconds, double warmupSeconds, double rate, double pushesPerSecond,
                int payload, int ioThreads, boolean smokeCheck) {
        static final Plan FULL = new Plan(3, 10_000, 2_000, 256, 1_000, 5, 5, 2, 20_000, 200, 64, 2, false);
        static final Plan QUICK = new Plan(1, 500, 200, 64, 100, 1, 1, 0.5, 2_000, 100, 64, 2, true);

        Plan withRounds(int r) {
            return new Plan(r, connections, warmupConnections, window, loadConnections, closedSeconds, rateSeconds,
                    warmupSeconds, rate, pushesPerSecond, payload, ioThreads, smokeCheck);
        }
    }

    /** What one aim compares: Tether / bare (or / NATS), or Tether's own value. */
    record Aim(String text, boolean onRatio, DoublePredicate met) {
        static Aim ratioAtMost(double r) {
            return new Aim(String.format(Locale.ROOT, "at most %.2fx", r), true, x -> x <= r);
        }

        static Aim ratioAtLeast(double r) {
            return new Aim(String.format(Locale.ROOT, "at least %.2fx", r), true, x -> x >= r);
        }

        static Aim valueAtMost(double v, String unit) {
            return new Aim(String.format(Locale.ROOT, "at most %.0f %s", v, unit), false, x -> x <= v);
        }

        static final Aim NONE = new Aim("(no regression)", true, x -> true);
    }

    /** One row of the table: the metric's key in a session's results, how to print it, and its aim. */
    record Row(String key, String label, String format, Aim aim) {
    }

    static final List<Row> ROWS = List.of(
            new Row("connectRate", "connect + handshake rate, %s connections, fresh server", "%,.0f/s", Aim.ratioAtLeast(0.8)),
            new Row("serverCpuConnectFresh", "server CPU per connect, fresh server", "%.1f us", Aim.ratioAtMost(1.3)),
            new Row("serverCpuConnectWarm", "server CPU per connect, warmed", "%.1f us", Aim.ratioAtMost(1.15)),
            new Row("clientCpuConnectWarm", "client CPU per connect, warmed", "%.1f us", Aim.ratioAtMost(1.15)),
            new Row("clientCpuRequest", "client CPU per request, closed loop, %s connections", "%.2f us", Aim.ratioAtMost(1.1)),
            new Row("allocRequest", "allocation per request, client process", "%,.0f B", Aim.valueAtMost(200, "B")),
            new Row("rateP50", "latency p50 from intended send, %s req/s over %s clients", "%.0f us", Aim.ratioAtMost(1.2)),
            new Row("heapIdle", "heap per idle client at %s", "%,.0f B", Aim.ratioAtMost(1.25)),
            new Row("pushServerCpu", "push fan-out at %s deliveries/s, server CPU per delivery", "%.2f us",
                    new Aim("at most nats-server's (--nats)", true, x -> true)),
            new Row("pushCore", "push fan-out, server CPU in %% of a core", "%.1f%%", Aim.NONE),
            new Row("serverCpuRequest", "server CPU per request, closed loop", "%.2f us", Aim.NONE),
            new Row("closedThroughput", "closed-loop throughput, %s connections x 1", "%,.0f/s", Aim.NONE),
            new Row("closedPerCpu", "closed-loop requests per CPU-second of client + server", "%,.0f/s", Aim.NONE),
            new Row("closedOthers", "CPU of other processes during the closed loop, %% of the machine", "%.0f%%", Aim.NONE),
            new Row("rateP99", "latency p99 from intended send, fixed rate", "%.0f us", Aim.NONE));

    private final Plan plan;
    private final Path logs;
    private final boolean nats;
    private final String natsServer;
    private final List<String> jvmOptions;
    /** The group of rows to measure ({@code connect}, {@code requests}, {@code push}), or null for all. */
    private final String only;
    /** Whether Tether's side runs the bare server too (the client rows then compare the clients alone). */
    private final boolean clientsOnly;

    private Floor(Plan plan, Path logs, boolean nats, String natsServer, List<String> jvmOptions, String only,
                  boolean clientsOnly) {
        this.plan = plan;
        this.logs = logs;
        this.nats = nats;
        this.natsServer = natsServer;
        this.jvmOptions = jvmOptions;
        this.only = only;
        this.clientsOnly = clientsOnly;
    }

    private boolean measures(String group) {
        return only == null || only.equals(group);
    }

    public static void main(String[] args) throws Exception {
        Plan plan = Plan.FULL;
        boolean nats = false;
        String natsServer = "nats-server";
        Integer rounds = null;
        List<String> jvmOptions = new ArrayList<>();
        String only = null;
        boolean clientsOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> plan = Plan.QUICK;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--nats" -> nats = true;
                case "--nats-server" -> natsServer = args[++i];
                case "--jvm-option" -> jvmOptions.add(args[++i]);
                case "--only" -> only = args[++i];
                case "--clients-only" -> clientsOnly = true;
                default -> {
                    System.err.println("usage: Floor [--quick] [--rounds N] [--nats] [--nats-server PATH]"
                            + " [--only connect|requests|push] [--clients-only] [--jvm-option OPTION]...");
                    System.exit(2);
                }
            }
        }
        if (rounds != null) {
            plan = plan.withRounds(rounds);
        }
        if (only != null && !List.of("connect", "requests", "push").contains(only)) {
            System.err.println("--only takes connect, requests or push: " + only);
            System.exit(2);
        }
        long fds = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        if (fds < plan.connections() + 1_000L) {
            System.err.printf(Locale.ROOT, "%,d connections need more open files than this process may have (%,d): raise ulimit -n%n",
                    plan.connections(), fds);
            System.exit(2);
        }
        Path logs = Files.createTempDirectory("tether-floor-");
        System.out.printf(Locale.ROOT, "Tether floor, %s, %s; %s; child logs in %s%n", Instant.now(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), plan, logs);
        new Floor(plan, logs, nats, natsServer, jvmOptions, only, clientsOnly).run();
    }

    private void run() throws Exception {
        Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
        results.put("tether", new ArrayList<>());
        results.put("bare", new ArrayList<>());
        if (nats) {
            results.put("nats", new ArrayList<>());
        }
        List<String> sides = new ArrayList<>(results.keySet());
        for (int round = 0; round < plan.rounds(); round++) {
            for (int k = 0; k < sides.size(); k++) {
                String side = sides.get((k + round) % sides.size()); // rotate who goes first
                long t0 = System.nanoTime();
                Map<String, Double> r;
                try {
                    r = side.equals("nats") ? new NatsSession(this, plan, logs, natsServer, round).run() : session(side, round);
                } catch (Exception e) { // a noisy machine may time a session out: report it, keep the other rounds
                    System.out.printf(Locale.ROOT, "round %d %-6s FAILED: %s%n", round + 1, side, e.getMessage());
                    continue;
                }
                r.put("round", (double) round);
                results.get(side).add(r);
                System.out.printf(Locale.ROOT, "round %d %-6s (%.0f s, load average %.1f): %s%n", round + 1, side,
                        (System.nanoTime() - t0) / 1e9, loadAverage(), brief(r));
            }
        }
        printTable(results);
    }

    private Map<String, Double> session(String side, int round) throws Exception {
        Map<String, Double> r = new LinkedHashMap<>();
        String kind = side.equals("tether") ? "sdk" : "bare";
        try (Child server = agent(side + "-server-" + round, "-Xmx1g");
             Child client = agent(side + "-client-" + round, "-Xmx2g")) {
            String serverKind = clientsOnly ? "bare" : side;
            int port = Integer.parseInt(server.call(60, "serve " + serverKind + " " + plan.ioThreads()).get("port"));
            if (measures("connect")) {
                client.call(300, "warmup " + kind + " " + plan.warmupConnections());
            }
            client.call(60, "clients " + kind + " " + port + " " + plan.ioThreads());
            if (measures("connect")) {
                connectRows(server, client, r);
            }
            client.call(300, "connect " + plan.loadConnections() + " " + plan.window());
            if (measures("requests")) {
                requestRows(server, client, r);
            }
            if (measures("push")) {
                pushRows(server, client, r);
            }
            client.call(300, "close");
        }
        return r;
    }

    /** Fresh and warmed connects, and the heap per idle client with all of them open. */
    private void connectRows(Child server, Child client, Map<String, Double> r) throws Exception {
        // fresh server: rate and server CPU per connect while it is cold
        long s0 = cpu(server);
        Map<String, String> fresh = client.call(300, "connect " + plan.connections() + " " + plan.window());
        long s1 = cpu(server);
        double ok = num(fresh, "ok");
        r.put("connectRate", ok * 1e9 / num(fresh, "nanos"));
        r.put("serverCpuConnectFresh", (s1 - s0) / ok / 1000);
        r.put("connectFailed", num(fresh, "failed"));
        client.call(300, "close");

        // warmed: server and client CPU per connect, then heap per idle client with all of them open
        long heap0 = Long.parseLong(client.call(120, "heap").get("heap"));
        long s2 = cpu(server);
        Map<String, String> warm = client.call(300, "connect " + plan.connections() + " " + plan.window());
        long s3 = cpu(server);
        ok = num(warm, "ok");
        r.put("connectFailed", r.get("connectFailed") + num(warm, "failed"));
        r.put("serverCpuConnectWarm", (s3 - s2) / ok / 1000);
        r.put("clientCpuConnectWarm", num(warm, "cpu") / ok / 1000);
        r.put("connectRateWarm", ok * 1e9 / num(warm, "nanos"));
        long heap1 = Long.parseLong(client.call(120, "heap").get("heap"));
        r.put("heapIdle", (heap1 - heap0) / ok);
        client.call(300, "close");
    }

    /** The closed loop and the fixed rate on the load connections. */
    private void requestRows(Child server, Child client, Map<String, Double> r) throws Exception {
        // closed loop, one request in flight per connection
        // warm up until the JIT is done with the path: its compiler threads' CPU counts in the process CPU, and
        // Tether's larger path took more than one 2 s warm-up to compile (longer still on a crowded machine)
        for (int i = 0; i < MAX_CLOSED_WARMUPS; i++) {
            Map<String, String> w = client.call(120, "closed " + plan.payload() + " " + plan.warmupSeconds());
            r.put("closedWarmups", i + 1.0);
            if (num(w, "jitMillis") < JIT_QUIET_MILLIS) {
                break;
            }
        }
        long s4 = cpu(server);
        Map<String, String> closed = client.call(120, "closed " + plan.payload() + " " + plan.closedSeconds());
        long s5 = cpu(server);
        double requests = num(closed, "requests");
        r.put("clientCpuRequest", num(closed, "cpu") / requests / 1000);
        r.put("allocRequest", num(closed, "alloc") / requests);
        r.put("serverCpuRequest", (s5 - s4) / requests / 1000);
        r.put("closedThroughput", requests * 1e9 / num(closed, "nanos"));
        r.put("closedErrors", num(closed, "errors"));
        r.put("closedJitMillis", num(closed, "jitMillis"));
        // On a 2-core machine the closed loop is CPU-bound: its rate is the CPU the two children get divided by
        // their CPU per request, so a build or benchmark of someone else that holds one core halves it. The rate
        // per CPU-second does not care; the share other processes took says whether the rate can be compared.
        double childCpu = num(closed, "cpu") + (s5 - s4);
        r.put("closedPerCpu", requests * 1e9 / childCpu);
        double machine = num(closed, "machineBusy");
        r.put("closedOthers", machine < 0 ? Double.NaN
                : 100 * Math.max(0, machine - childCpu) / (num(closed, "nanos") * Runtime.getRuntime().availableProcessors()));

        // fixed rate, latency from the intended send time
        client.call(120, "rate " + plan.rate() + " " + plan.payload() + " " + plan.warmupSeconds());
        Map<String, String> rate = client.call(120, "rate " + plan.rate() + " " + plan.payload() + " " + plan.rateSeconds());
        r.put("rateP50", num(rate, "p50") / 1000);
        r.put("rateP99", num(rate, "p99") / 1000);
        r.put("rateLate", num(rate, "late"));
        r.put("rateErrors", num(rate, "errors"));
    }

    /** The push fan-out to the load connections. */
    private void pushRows(Child server, Child client, Map<String, Double> r) throws Exception {
        // push fan-out to the same connections
        long w0 = pushCount(client, "pushes");
        Map<String, String> warmPush = server.call(120, "push " + plan.pushesPerSecond() + " " + plan.warmupSeconds() + " " + plan.payload());
        long p0 = awaitPushes(client, w0, (long) num(warmPush, "broadcasts") * plan.loadConnections()); // warm-up ones all in
        Map<String, String> push = server.call(120, "push " + plan.pushesPerSecond() + " " + plan.rateSeconds() + " " + plan.payload());
        long p1 = awaitPushes(client, p0, (long) num(push, "broadcasts") * plan.loadConnections());
        double delivered = p1 - p0;
        r.put("pushServerCpu", num(push, "cpu") / delivered / 1000);
        r.put("pushCore", 100 * num(push, "cpu") / num(push, "nanos"));
        r.put("pushDelivered", delivered / (num(push, "nanos") / 1e9));
    }

    /** An agent JVM with {@code heap}, G1 and the {@code --jvm-option}s. */
    Child agent(String name, String heap) throws java.io.IOException {
        List<String> options = new ArrayList<>(List.of(heap, "-XX:+UseG1GC"));
        options.addAll(jvmOptions);
        return Child.agent(name, logs, options);
    }

    private static long cpu(Child agent) throws Exception {
        return Long.parseLong(agent.call(30, "cpu").get("cpu"));
    }

    /** The pushes {@code client} has received so far, by its {@code command} ("pushes", or "natspushes" for jnats). */
    static long pushCount(Child client, String command) throws Exception {
        return Long.parseLong(client.call(30, command).get("pushes"));
    }

    /** Waits (bounded) until the pushes sent have arrived, or stop arriving. */
    static long awaitPushes(Child client, long before, long expected) throws Exception {
        return awaitPushes(client, "pushes", before, expected);
    }

    /** {@link #awaitPushes(Child, long, long)} with the count read by {@code command} (see {@link #pushCount}). */
    static long awaitPushes(Child client, String command, long before, long expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = -1;
        long now = pushCount(client, command);
        while (now - before < expected && now != last && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = now;
            now = pushCount(client, command);
        }
        return now;
    }

    static double num(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalStateException("no " + key + " in " + m);
        }
        return Double.parseDouble(v);
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String brief(Map<String, Double> r) {
        StringBuilder b = new StringBuilder();
        r.forEach((k, v) -> b.append(k).append('=').append(String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v)).append(' '));
        return b.toString().trim();
    }

    static double median(List<Map<String, Double>> runs, String key) {
        double[] v = runs.stream().filter(m -> m.containsKey(key)).mapToDouble(m -> m.get(key)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void printTable(Map<String, List<Map<String, Double>>> results) {
        List<Map<String, Double>> tether = results.get("tether");
        List<Map<String, Double>> bare = results.get("bare");
        System.out.printf(Locale.ROOT, "%nmedians of %d round(s); ratio = Tether / bare Netty%s%s%n%n", plan.rounds(),
                plan.smokeCheck() ? " (--quick: a smoke check with small counts, not a measurement)" : "",
                clientsOnly ? " (--clients-only: both sides' clients against the bare server; the server rows compare nothing)" : "");
        System.out.println("| measure | bare Netty | Tether | ratio | same-round ratios | aim | within aim |");
        System.out.println("|---|---:|---:|---:|---|---|---|");
        for (Row row : ROWS) {
            double b = median(bare, row.key());
            double t = median(tether, row.key());
            double ratio = t / b;
            boolean met = row.aim().met().test(row.aim().onRatio() ? ratio : t);
            String label = String.format(Locale.ROOT, row.label(), rowArgs(row.key()));
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2fx | %s | %s | %s |%n", label,
                    String.format(Locale.ROOT, row.format(), b), String.format(Locale.ROOT, row.format(), t), ratio,
                    sameRoundRatios(tether, bare, row.key()),
                    row.aim().text(), row.aim() == Aim.NONE || row.key().equals("pushServerCpu") ? "" : met ? "yes" : "no");
        }
        System.out.printf(Locale.ROOT, "%nconnect failures (tether/bare, summed): %.0f / %.0f; closed-loop errors %.0f / %.0f;"
                        + " fixed-rate errors %.0f / %.0f, sent >10 ms late %.0f / %.0f; push deliveries/s achieved %,.0f / %,.0f%n",
                sum(tether, "connectFailed"), sum(bare, "connectFailed"), sum(tether, "closedErrors"), sum(bare, "closedErrors"),
                sum(tether, "rateErrors"), sum(bare, "rateErrors"), sum(tether, "rateLate"), sum(bare, "rateLate"),
                median(tether, "pushDelivered"), median(bare, "pushDelivered"));
        printQuietRounds(tether, bare);
        if (results.containsKey("nats") && !results.get("nats").isEmpty()) {
            NatsSession.printTable(results.get("nats"), tether, plan);
        }
    }

    private Object[] rowArgs(String key) {
        return switch (key) {
            case "connectRate", "heapIdle" -> new Object[] {String.format(Locale.ROOT, "%,d", plan.connections())};
            case "clientCpuRequest", "closedThroughput" -> new Object[] {String.format(Locale.ROOT, "%,d", plan.loadConnections())};
            case "rateP50" -> new Object[] {String.format(Locale.ROOT, "%,.0f", plan.rate()), String.format(Locale.ROOT, "%,d", plan.loadConnections())};
            case "pushServerCpu" -> new Object[] {String.format(Locale.ROOT, "%,.0f", plan.pushesPerSecond() * plan.loadConnections())};
            default -> new Object[0];
        };
    }

    /** Closed-loop warm-ups at most, and the client's compilation time in one below which the JIT counts as done. */
    static final int MAX_CLOSED_WARMUPS = 4;
    static final long JIT_QUIET_MILLIS = 100;

    /** Other processes' share of the machine below which a closed-loop session counts as quiet. */
    static final double QUIET_OTHERS_PERCENT = 10;

    /**
     * The closed-loop ratios again, from the rounds whose two sessions both ran with other processes taking less
     * than {@link #QUIET_OTHERS_PERCENT} of the machine: on a small shared machine a session's rate, and its CPU
     * per request, move with what else runs, and the two sides of a round run one after the other.
     */
    private static void printQuietRounds(List<Map<String, Double>> tether, List<Map<String, Double>> bare) {
        List<Map<String, Double>> quietTether = new ArrayList<>();
        List<Map<String, Double>> quietBare = new ArrayList<>();
        int rounds = 0;
        for (Map<String, Double> t : tether) {
            for (Map<String, Double> x : bare) {
                if (x.get("round").equals(t.get("round")) && t.containsKey("closedOthers") && x.containsKey("closedOthers")) {
                    rounds++;
                    if (t.get("closedOthers") < QUIET_OTHERS_PERCENT && x.get("closedOthers") < QUIET_OTHERS_PERCENT) {
                        quietTether.add(t);
                        quietBare.add(x);
                    }
                }
            }
        }
        if (rounds == 0) {
            return;
        }
        System.out.printf(Locale.ROOT, "%nclosed loop, rounds in which other processes took under %.0f%% of the machine on both sides: %d of %d",
                QUIET_OTHERS_PERCENT, quietTether.size(), rounds);
        if (quietTether.isEmpty()) {
            System.out.println(" (no closed-loop ratio of this run compares like with like)");
            return;
        }
        System.out.println();
        for (String key : List.of("clientCpuRequest", "closedThroughput", "closedPerCpu")) {
            System.out.printf(Locale.ROOT, "  %s: same-round ratios %s, median %.2fx%n", key,
                    sameRoundRatios(quietTether, quietBare, key), medianRatio(quietTether, quietBare, key));
        }
    }

    private static double medianRatio(List<Map<String, Double>> tether, List<Map<String, Double>> bare, String key) {
        List<Map<String, Double>> ratios = new ArrayList<>();
        for (int i = 0; i < tether.size(); i++) {
            ratios.add(Map.of(key, tether.get(i).get(key) / bare.get(i).get(key)));
        }
        return median(ratios, key);
    }

    /** Tether / bare of each round in which both sides finished, in round order. */
    private static String sameRoundRatios(List<Map<String, Double>> tether, List<Map<String, Double>> bare, String key) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Double> t : tether) {
            for (Map<String, Double> x : bare) {
                if (x.get("round").equals(t.get("round")) && t.containsKey(key) && x.containsKey(key)) {
                    b.append(b.length() == 0 ? "" : " · ").append(String.format(Locale.ROOT, "%.2f", t.get(key) / x.get(key)));
                }
            }
        }
        return b.toString();
    }

    static double sum(List<Map<String, Double>> runs, String key) {
        return runs.stream().mapToDouble(m -> m.getOrDefault(key, 0.0)).sum();
    }
}
