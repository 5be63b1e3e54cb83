package dev.tether.loadtool.run;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.OutputFiles;
import dev.tether.loadtool.report.Slo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The load options, a picocli mixin shared by {@code loadtool run} and the shell's {@code bench}: the workload,
 * its timing, the outputs and the thresholds. Both commands build their {@link LoadPlan} through
 * {@link #plan(ConnectionOptions)}, so an option renamed here is renamed for both, at compile time.
 * Where to connect ({@code --target}, {@code --source-address}) belongs to each command.
 */
public final class LoadOptions {

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

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", defaultValue = "rate", converter = Mode.Converter.class,
            completionCandidates = Mode.Labels.class,
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

    @Option(names = "--mix", paramLabel = "FILE",
            description = "Send a request mix instead of --size bytes: one entry a line, NAME WEIGHT KIND PAYLOAD, where KIND is "
                    + "request or send and PAYLOAD is text:..., hex:... or base64:... with placeholders $${client}, $${seq}, "
                    + "$${random:N}, $${time} (see loadtool/README.md). The report shows each entry's count and latency. "
                    + "Modes rate and closed. Default: none.")
    Path mix;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the --mix choice and of $${random:N}: the same seed sends the same messages, client by client. "
                    + "Default: " + RequestMix.DEFAULT_SEED + ".")
    Long seed;

    @Option(names = "--heartbeat", paramLabel = "DURATION",
            description = "Heartbeat interval the clients use (and the embedded server announces). Default: the SDK's, 30s.")
    Duration heartbeat;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "A request unanswered for this long counts as a REQUEST_TIMEOUT error. Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

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

    @Option(names = "--fault-proxy", paramLabel = "SPEC", converter = dev.tether.loadtool.proxy.FaultSpec.Converter.class,
            description = "Put a fault-injecting proxy in front of the target (or the embedded server) and connect the clients "
                    + "through it: 'cut every 5s', 'stall 10s every 30s', 'delay 50ms', 'cut at 3s', several joined with commas "
                    + "(see `loadtool proxy --help`). Default: none, connect directly.")
    dev.tether.loadtool.proxy.FaultSpec faultProxy;

    @Option(names = "--restart-server-at", paramLabel = "DURATION",
            description = "Embedded server only: at this time since the run started (the live line's clock), or when the ramp ends "
                    + "if that is later, kill the server "
                    + "abruptly (every connection reset) and start a new one on the same port, to watch the reconnect storm "
                    + "(outages in the summary). Default: never.")
    Duration restartServerAt;

    @Option(names = "--resumption", paramLabel = "on|off", defaultValue = "on", converter = OnOff.Converter.class,
            description = "on: the clients ask for session resumption and use it when the server offers it (a send completes when "
                    + "the server acknowledges it; after a reconnect unacknowledged sends are retransmitted and missed pushes "
                    + "replayed); off: they do not (a send completes when written), to measure what acknowledgements cost. "
                    + "Default: ${DEFAULT-VALUE}.")
    OnOff resumption;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the summary as JSON, as described by the JSON Schema that loadtool/README.md links.")
    Path json;

    @Option(names = "--hlog", paramLabel = "FILE",
            description = "Also write the per-second histograms as an HdrHistogram log (tags latency, service, connect, push, heartbeat); "
                    + "`loadtool report` and HdrHistogram's HistogramLogProcessor read it.")
    Path hlog;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report (percentile plot, time charts, summary).")
    Path html;

    @Option(names = "--slo", paramLabel = "THRESHOLD", converter = Slo.Converter.class,
            description = "A threshold the run must meet, repeatable (see Thresholds below). Broken: exit code 3. "
                    + "An unknown metric: exit code 2.")
    List<Slo> slos = new ArrayList<>();

    /**
     * A plan builder with every load option set, and TLS and the auth token from {@code connection}; the
     * caller adds the targets and source addresses.
     *
     * @throws IllegalArgumentException for a token that cannot be read or is empty, or an {@code --slo} threshold
     *                                  the mode cannot record (the plan itself checks the rest when it is built)
     */
    public LoadPlan.Builder plan(ConnectionOptions connection) {
        Slo.validate(slos, mode.label()); // a threshold the mode cannot record is refused before anything runs
        return LoadPlan.builder()
                .clients(clients).connectRate(connectRate).duration(duration).warmup(warmup)
                .mode(mode).rate(rate).outstanding(outstanding).size(size).heartbeat(heartbeat)
                .requestTimeout(requestTimeout)
                .tls(tls(connection))
                .authToken(connection.authToken())
                .serverServiceTime(serverServiceTime).pushRate(pushRate).hlog(hlog).lateThreshold(lateThreshold)
                .drainTimeout(drainTimeout).ioThreads(ioThreads).faultProxy(faultProxy)
                .restartServerAt(restartServerAt)
                .mix(mix()).resumption(resumption == OnOff.ON);
    }

    /** {@code --mix} read (and checked) now, before anything connects; {@code null} without it. */
    private RequestMix mix() {
        if (mix == null) {
            if (seed != null) {
                throw new IllegalArgumentException("--seed chooses among the entries of a request mix: it needs --mix FILE");
            }
            return null;
        }
        return RequestMix.read(mix, seed == null ? RequestMix.DEFAULT_SEED : seed);
    }

    /** A switch on the command line: {@code on} or {@code off}, in any case. */
    enum OnOff {
        ON, OFF;

        /** Reads {@code on} or {@code off} and names both on a mistake. */
        static final class Converter implements picocli.CommandLine.ITypeConverter<OnOff> {
            @Override
            public OnOff convert(String value) {
                for (OnOff v : values()) {
                    if (v.name().equalsIgnoreCase(value.trim())) {
                        return v;
                    }
                }
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is neither on nor off");
            }
        }
    }

    /**
     * Checks, before anything runs, that the output files can be written.
     *
     * @throws IllegalArgumentException naming the option, the file and the operating system's reason
     */
    public void checkOutputs() {
        OutputFiles.checkWritable("--json", json);
        OutputFiles.checkWritable("--html", html);
        OutputFiles.checkWritable("--hlog", hlog);
    }

    /** Lists the files of a finished run that the report does not list itself (the {@code .hlog}). */
    public void listOtherFiles(java.io.PrintWriter out) {
        if (hlog != null) {
            out.println("  hlog        " + hlog);
            out.flush();
        }
    }

    /** The {@code --slo} thresholds, in the order given. */
    public List<Slo> slos() {
        return List.copyOf(slos);
    }

    /** {@code --json}, or {@code null}. */
    public Path json() {
        return json;
    }

    /** {@code --html}, or {@code null}. */
    public Path html() {
        return html;
    }

    /** {@code --hlog}, or {@code null}. */
    public Path hlog() {
        return hlog;
    }

    /** The plan's TLS, its files checked now (a bad file is a usage error, not a run of failed connects). */
    private static LoadPlan.Tls tls(ConnectionOptions connection) {
        if (connection.tlsOptions() == null) {
            return null;
        }
        return new LoadPlan.Tls(connection.tlsCa(), connection.tlsInsecure(), connection.tlsCert(), connection.tlsKey());
    }
}
