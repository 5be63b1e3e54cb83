package dev.tether.loadtool.run;

import dev.tether.loadtool.DurationConverter;
import dev.tether.loadtool.report.Metric;
import dev.tether.loadtool.report.RunReport;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one {@link Mode} does in a run, in one place: how it is described, its primary metric, how the load
 * period is driven (a pacer on a constant-rate schedule, a closed loop, or waiting while the server pushes or
 * the heartbeats tick), how it drains and which counters it reports. {@link LoadRun} runs the phases and
 * asks the workload; it never asks which mode it is.
 */
abstract class Workload {
    /**
     * The pacer's shortest sleep. Above 10,000 requests/s it sends in batches of what fell due in the last
     * 0.1 ms, which wakes the event loops once per batch instead of once per request (at 20,000/s a 0.25 ms
     * tick cut the generator's system CPU by a third, see docs/BENCHMARKS.md); a request may so leave up
     * to 0.1 ms after its intended time, which counts in its latency.
     */
    static final long PACER_TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The longest the pacer sleeps, so that a stop is noticed soon. */
    private static final long PACER_MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** The running load run as a workload sees it while it drives the load. */
    interface Drive {
        RunClock clock();

        /** When the measured period begins (before it: warm-up). */
        long measureStart();

        /** When the measured period ends. */
        long end();

        boolean stopped();

        /** The measured period has begun: counts CPU from here and shows {@code run} in the live line. Idempotent. */
        void measuring();

        boolean isMeasuring();

        /** Waits until {@code nanos} on the run's clock; false when the run was stopped first. */
        boolean waitUntil(long nanos);
    }

    final LoadPlan plan;

    Workload(LoadPlan plan) {
        this.plan = plan;
    }

    /** The work in the run's opening line, e.g. "requests at 2000/s in total (64-byte payloads, ...)". */
    abstract String describe();

    /** What the embedded server does for this workload, appended to its start line; empty for nothing. */
    String serverNote() {
        return "";
    }

    /** The histogram shown in the live line. */
    abstract Metric primary();

    /** What one count of {@link #primary()} is, for the live line: "req", "sends", "pushes", "heartbeats". */
    abstract String unit();

    /** Whether the clients send one-way messages (so that what waits in their send buffers is sends). */
    boolean sends() {
        return false;
    }

    /** Whether the JIT warm-up before the ramp sends a request on each throw-away client. */
    boolean warmUpWithRequests() {
        return false;
    }

    /** Gets ready to drive the clients from {@code loadStart} to {@code end} (nanoseconds on the run's clock). */
    void prepare(LoadClients clients, RunMetrics metrics, RunClock clock, long loadStart, long end) {
    }

    /** Drives the load until the end of the measured period or a stop. */
    void drive(Drive d) {
        if (d.waitUntil(d.measureStart())) {
            d.measuring();
        }
        d.waitUntil(d.end());
    }

    /** After the measured period: lets late and outstanding operations finish until {@code deadline}. */
    void drain(RunClock clock, long deadline) {
    }

    /** Puts this workload's counters into the report (after the last interval was taken). */
    abstract void report(RunReport report, long measureStart);

    static long count(RunReport report, Metric m) {
        Histogram h = report.histogram(m);
        return h == null ? 0 : h.getTotalCount();
    }

    /** Workloads that drive requests or sends through one {@link ClientSlot} per client. */
    abstract static class Slotted extends Workload {
        ClientSlot[] slots = new ClientSlot[0];
        RunMetrics metrics;
        /** With a request mix ({@code --mix}): what each operation sends, and the per-entry figures; else null. */
        MixOperations mix;

        Slotted(LoadPlan plan) {
            super(plan);
        }

        void openSlots(LoadClients clients, RunMetrics metrics, RunClock clock, RateSchedule schedule) {
            this.metrics = metrics;
            byte[] payload = new byte[plan.size()];
            Arrays.fill(payload, (byte) 'x');
            Operations operations = Operations.fixed(plan.mode(), payload);
            if (plan.mix() != null) {
                mix = new MixOperations(plan.mix(), plan.firstClient(), metrics, plan.mode().scheduled(), System::currentTimeMillis);
                operations = mix;
            }
            slots = new ClientSlot[clients.size()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new ClientSlot(i, clients.connection(i), plan.mode(), schedule, metrics, clock, operations,
                        plan.outstanding());
            }
        }

        /** What the operations carry, for the opening line: "64-byte payloads" or the mix. */
        String payloads() {
            return plan.mix() != null ? plan.mix().describe() : plan.size() + "-byte payloads";
        }

        /** With a mix, its per-entry figures. */
        void reportMix(RunReport report) {
            if (mix != null) {
                mix.report(report);
            }
        }

        @Override
        boolean warmUpWithRequests() {
            return plan.mix() == null; // the warm-up's request would not be one the target of a mix knows
        }

        @Override
        void drain(RunClock clock, long deadline) {
            while (clock.getAsLong() < deadline) {
                boolean idle = true;
                for (ClientSlot s : slots) {
                    s.pump(); // a client that reconnected sends what waited for it
                    idle &= s.idle();
                }
                if (idle) {
                    return;
                }
                clock.sleep(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        long unfinished() {
            long n = 0;
            for (ClientSlot s : slots) {
                n += s.inFlight();
            }
            return n;
        }
    }

    /**
     * Modes {@code rate} and {@code send}: an open model. A pacer walks a constant-rate schedule of intended
     * send times and every operation is timed from its own (coordinated omission corrected, like wrk2).
     */
    static final class Paced extends Slotted {
        private final boolean sends;
        private RateSchedule schedule;
        private RequestPacer pacer;

        private Paced(LoadPlan plan, boolean sends) {
            super(plan);
            this.sends = sends;
        }

        static Workload requests(LoadPlan plan) {
            return new Paced(plan, false);
        }

        static Workload sends(LoadPlan plan) {
            return new Paced(plan, true);
        }

        @Override
        String describe() {
            return sends
                    ? String.format(Locale.ROOT, "one-way sends at %.0f/s in total (%s)", plan.rate(), payloads())
                    : String.format(Locale.ROOT, "requests at %.0f/s in total (%s, at most %d in flight per client)",
                            plan.rate(), payloads(), plan.outstanding());
        }

        @Override
        Metric primary() {
            return Metric.LATENCY;
        }

        @Override
        String unit() {
            return sends ? "sends" : "req";
        }

        @Override
        boolean sends() {
            return sends;
        }

        @Override
        boolean warmUpWithRequests() {
            return !sends && super.warmUpWithRequests();
        }

        @Override
        void prepare(LoadClients clients, RunMetrics metrics, RunClock clock, long loadStart, long end) {
            schedule = new RateSchedule(loadStart, plan.rate(), clients.size());
            openSlots(clients, metrics, clock, schedule);
            pacer = new RequestPacer(schedule, slots, end);
        }

        @Override
        void drive(Drive d) {
            RunClock clock = d.clock();
            while (!d.stopped()) {
                long now = clock.getAsLong();
                if (now >= d.measureStart()) {
                    d.measuring();
                }
                long next = pacer.advance(now);
                if (next == Long.MAX_VALUE) {
                    // The last operation is due before the end: the measured period still lasts until then, so
                    // that the rate is the operations over the whole period.
                    d.waitUntil(d.end());
                    break;
                }
                long wait = Math.min(next, d.isMeasuring() ? next : d.measureStart()) - clock.getAsLong();
                if (wait > 0) {
                    // At high rates, wake at most every PACER_TICK and send what fell due in a batch: the event
                    // loops are woken once per batch instead of once per request.
                    clock.sleep(Math.min(Math.max(wait, PACER_TICK_NANOS), PACER_MAX_SLEEP_NANOS));
                }
            }
        }

        @Override
        void report(RunReport report, long measureStart) {
            long notSent = 0;
            for (ClientSlot s : slots) {
                notSent += s.backlog();
            }
            report.counter(RunReport.OPS_COMPLETED, count(report, Metric.SERVICE));
            report.counter(RunReport.TARGET_RATE, Math.round(plan.rate()));
            // What the pacer actually made due (less than planned when the run was stopped early).
            report.counter(RunReport.OPS_SCHEDULED, Math.max(0, pacer.madeDue() - schedule.firstAtOrAfter(measureStart)));
            report.counter(RunReport.OPS_LATE, metrics.late.sum());
            report.counter(RunReport.OPS_NOT_SENT, notSent);
            report.counter(RunReport.OPS_UNFINISHED, unfinished());
            report.counter(RunReport.LATE_THRESHOLD_MILLIS, plan.lateThreshold().toMillis());
            reportMix(report);
        }
    }

    /** Mode {@code closed}: each client keeps {@code --outstanding} requests in flight until the end. */
    static final class Closed extends Slotted {
        Closed(LoadPlan plan) {
            super(plan);
        }

        @Override
        String describe() {
            return String.format(Locale.ROOT, "closed model, %d request(s) outstanding per client (%s)",
                    plan.outstanding(), payloads());
        }

        @Override
        Metric primary() {
            return Metric.SERVICE;
        }

        @Override
        String unit() {
            return "req";
        }

        @Override
        void prepare(LoadClients clients, RunMetrics metrics, RunClock clock, long loadStart, long end) {
            openSlots(clients, metrics, clock, null);
        }

        @Override
        void drive(Drive d) {
            for (ClientSlot s : slots) {
                s.startClosed(d.end());
            }
            super.drive(d);
        }

        @Override
        void report(RunReport report, long measureStart) {
            report.info("outstanding", Integer.toString(plan.outstanding()));
            report.counter(RunReport.OPS_COMPLETED, count(report, Metric.SERVICE));
            report.counter(RunReport.OPS_UNFINISHED, unfinished());
            reportMix(report);
        }
    }

    /** Mode {@code push}: no requests; the server pushes and each push is timed from its server timestamp. */
    static final class Pushes extends Workload {
        Pushes(LoadPlan plan) {
            super(plan);
        }

        @Override
        String describe() {
            return "measuring pushes from the server";
        }

        @Override
        String serverNote() {
            return String.format(Locale.ROOT, ", pushing %.1f/s to each client", plan.pushRate());
        }

        @Override
        Metric primary() {
            return Metric.PUSH;
        }

        @Override
        String unit() {
            return "pushes";
        }

        @Override
        void report(RunReport report, long measureStart) {
            report.counter(RunReport.OPS_COMPLETED, count(report, Metric.PUSH));
            if (plan.embedded()) {
                report.counter(RunReport.TARGET_RATE, Math.round(plan.pushRate() * plan.clients()));
            }
        }
    }

    /** Mode {@code idle}: connections held with heartbeats only; the heartbeat round trips are the measure. */
    static final class Idle extends Workload {
        Idle(LoadPlan plan) {
            super(plan);
        }

        @Override
        String describe() {
            return "idle, heartbeats only" + (plan.heartbeat() != null ? " every " + DurationConverter.format(plan.heartbeat()) : "");
        }

        @Override
        Metric primary() {
            return Metric.HEARTBEAT;
        }

        @Override
        String unit() {
            return "heartbeats";
        }

        @Override
        void report(RunReport report, long measureStart) {
        }
    }
}
