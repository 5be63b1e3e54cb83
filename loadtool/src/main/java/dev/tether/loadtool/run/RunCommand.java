package dev.tether.loadtool.run;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.report.ReportOutput;
import dev.tether.loadtool.report.Slo;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadtool run}: drives thousands of SDK clients against a server (or, without {@code --target},
 * against a reference server it starts in the same process), measures honestly, prints a live line
 * each second and a summary table, writes JSON, HdrHistogram logs and HTML, and gates on {@code --slo}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a load test: N Tether clients on one shared set of event-loop threads, ramped at a connect rate, "
                + "then a workload for a warm-up and a measured period.",
                "Without --target it starts the reference server in this process on a free loopback port.",
                "Open model (--mode rate): every request has an intended send time on a constant-rate schedule and its latency "
                        + "counts from that time, so a stalled server shows in every request it delayed (coordinated omission corrected "
                        + "like wrk2); the uncorrected send-to-response time is reported beside it as service time.",
                "Exit codes: 0 ok, 1 the run failed, 2 usage error or the plan does not fit this machine, 3 an --slo threshold was broken."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT",
            description = "Server to load; repeatable (clients spread over the targets and fail over between them). "
                    + "Default: none, start the embedded reference server on 127.0.0.1 and a free port.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-c", "--clients"}, paramLabel = "N", defaultValue = "" + LoadPlan.DEFAULT_CLIENTS,
            description = "Number of clients (connections), all on one shared ClientResources. Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--connect-rate", paramLabel = "PER_SECOND", defaultValue = "2000",
            description = "Clients connected per second during the ramp. Default: ${DEFAULT-VALUE}.")
    double connectRate;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s",
            description = "Measured period, after the ramp and the warm-up. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s",
            description = "Load before the measured period; recorded separately (warmup.* in the .hlog), not part of the result. Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", defaultValue = "rate", converter = ModeConverter.class,
            description = "rate: requests at a fixed total rate (open model); closed: --outstanding requests per client kept in "
                    + "flight (closed model); send: one-way sends at a fixed rate; push: measure pushes from a pushing server; "
                    + "idle: hold connections, heartbeats only. Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = {"-r", "--rate"}, paramLabel = "PER_SECOND", defaultValue = "2000",
            description = "Total requests (or sends) per second over all clients, modes rate and send. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--outstanding", paramLabel = "N", defaultValue = "" + LoadPlan.DEFAULT_OUTSTANDING,
            description = "Requests in flight per client: the constant in closed mode; the cap in rate/send mode (like wrk2's one "
                    + "per connection: a request that must wait is sent late, counted, and timed from its intended time). Default: ${DEFAULT-VALUE}.")
    int outstanding;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "" + LoadPlan.DEFAULT_SIZE,
            description = "Payload bytes of each request or send. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--heartbeat", paramLabel = "DURATION",
            description = "Heartbeat interval the clients use (and the embedded server announces). Default: the SDK's, 30s.")
    Duration heartbeat;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "A request unanswered for this long counts as a REQUEST_TIMEOUT error. Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(names = "--source-address", paramLabel = "ADDRESSES",
            description = "Local addresses to connect from, taken in turn: a list (10.0.0.2,10.0.0.3) or a range "
                    + "(127.0.0.2-127.0.0.40); repeatable. Each address has its own ephemeral ports. Default: the kernel picks.")
    List<String> sourceAddresses = new ArrayList<>();

    @Option(names = "--tls", description = "Connect with TLS, trusting the system's CA certificates. Default: plaintext.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM_FILE", description = "Connect with TLS, trusting this CA certificate (PEM).")
    Path tlsCa;

    @Option(names = "--tls-insecure", description = "Connect with TLS and trust any certificate (testing only).")
    boolean tlsInsecure;

    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "Token the clients send in HELLO (the embedded server then requires it).")
    String authToken;

    @Option(names = "--server-service-time", paramLabel = "SPEC",
            description = "Embedded server only: simulated work per request: 2ms, exp:2ms or uniform:1ms-5ms. Default: none.")
    String serverServiceTime;

    @Option(names = "--push-rate", paramLabel = "PER_SECOND", defaultValue = "10",
            description = "Embedded server, mode push: pushes per second to every client. Default: ${DEFAULT-VALUE}.")
    double pushRate;

    @Option(names = "--late-threshold", paramLabel = "DURATION", defaultValue = "10ms",
            description = "An operation sent more than this after its intended time counts as not sent on time. Default: ${DEFAULT-VALUE}.")
    Duration lateThreshold;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "After the measured period, how long late and outstanding operations may take to finish. Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "0",
            description = "Event-loop threads shared by all clients; 0 = one per processor. Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON (schema in loadtool/README.md).")
    Path json;

    @Option(names = "--hlog", paramLabel = "FILE",
            description = "Also write the per-second histograms as an HdrHistogram log (tags latency, service, connect, push, heartbeat); "
                    + "`loadtool report` and HdrHistogram's HistogramLogProcessor read it.")
    Path hlog;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report (percentile plot, time charts, summary).")
    Path html;

    @Option(names = "--slo", paramLabel = "THRESHOLD", converter = Slo.Converter.class,
            description = "A threshold the run must meet, repeatable: p99<20ms, p99.9<50ms, errors<0.1%%, connect.p99<200ms, "
                    + "push.p50<5ms, heartbeat.max<100ms, rate>900, connected>=100%%, late<1%%. Broken: exit code 3. An unknown metric: exit code 2.")
    List<Slo> slos = new ArrayList<>();

    @Override
    public Integer call() {
        LoadPlan plan = plan();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadRun run = LoadRun.create(plan, out, System.console() != null, ResourceLimits.current());
        run.commandLine(commandLine());
        // Ctrl-C ends the run early but still prints (and writes) the result so far.
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            run.stop();
            try {
                reported.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadtool-stop");
        boolean hooked = addHook(hook);
        try {
            RunResult result = run.execute();
            if (result.outcome() != RunResult.Outcome.COMPLETED) {
                return result.exitCode();
            }
            return ReportOutput.finish(result.report(), slos, json, html, out, err);
        } finally {
            reported.countDown();
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it has what it waited for.
                }
            }
        }
    }

    /** The command line as typed, for the reports: {@code loadtool run --rate 500 ...}; the auth token is masked. */
    private String commandLine() {
        StringBuilder b = new StringBuilder("loadtool");
        boolean secret = false;
        for (String a : spec.commandLine().getParseResult().originalArgs()) {
            String shown = secret ? "***" : a.startsWith("--auth-token=") ? "--auth-token=***" : a;
            secret = a.equals("--auth-token");
            b.append(' ').append(shown.isEmpty() || shown.matches(".*[\\s'\"].*") ? "'" + shown.replace("'", "'\\''") + "'" : shown);
        }
        return b.toString();
    }

    private static boolean addHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    /** The plan from the options; a bad combination is a usage error (exit code 2). */
    LoadPlan plan() {
        try {
            List<InetSocketAddress> endpoints = new ArrayList<>();
            for (String t : targets) {
                endpoints.add(endpoint(t));
            }
            if (endpoints.isEmpty() && (tls || tlsCa != null || tlsInsecure)) {
                throw new IllegalArgumentException("the embedded server speaks plaintext: TLS needs --target HOST:PORT");
            }
            LoadPlan.Tls tlsOptions = tls || tlsCa != null || tlsInsecure ? new LoadPlan.Tls(tlsCa, tlsInsecure) : null;
            List<InetAddress> sources = SourceAddresses.parse(sourceAddresses);
            return LoadPlan.builder()
                    .targets(endpoints).clients(clients).connectRate(connectRate).duration(duration).warmup(warmup)
                    .mode(mode).rate(rate).outstanding(outstanding).size(size).heartbeat(heartbeat)
                    .requestTimeout(requestTimeout).sourceAddresses(sources).tls(tlsOptions).authToken(authToken)
                    .serverServiceTime(serverServiceTime).pushRate(pushRate).hlog(hlog).lateThreshold(lateThreshold)
                    .drainTimeout(drainTimeout).ioThreads(ioThreads)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static InetSocketAddress endpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("--target '" + text + "' must be HOST:PORT, e.g. 127.0.0.1:7000");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--target '" + text + "': the port is not a number");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--target '" + text + "': port out of range 1..65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--target '" + text + "': unknown host " + host);
        }
    }

    /** Reads modes case-insensitively and lists them on a mistake. */
    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            for (Mode m : Mode.values()) {
                if (m.label().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a mode: rate, closed, send, push or idle");
        }
    }
}
