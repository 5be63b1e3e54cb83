package dev.tether.loadtool.run;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;

/** What each client does during a run ({@code --mode}). */
public enum Mode {
    /** Open model: requests at a fixed total rate spread over the clients, latency from intended send times. */
    RATE(Workload.Paced::requests),
    /** Closed model: each client keeps {@code --outstanding} requests in flight; latency is service time. */
    CLOSED(Workload.Closed::new),
    /** One-way sends at a fixed total rate; latency until the send is written to the socket. */
    SEND(Workload.Paced::sends),
    /** No requests: measures pushes from a server that pushes (server timestamp to receipt). */
    PUSH(Workload.Pushes::new),
    /** No requests: connections held with heartbeats only, a soak of long-lived connections. */
    IDLE(Workload.Idle::new);

    private final Function<LoadPlan, Workload> workload;

    Mode(Function<LoadPlan, Workload> workload) {
        this.workload = workload;
    }

    /** What this mode does in a run of {@code plan}: its description, metric, loop and counters. */
    Workload workload(LoadPlan plan) {
        return workload.apply(plan);
    }

    /** The name on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the generator follows a constant-rate schedule of intended send times. */
    boolean scheduled() {
        return this == RATE || this == SEND;
    }

    /** The mode with this label, in any case. */
    public static Mode of(String label) {
        for (Mode m : values()) {
            if (m.label().equalsIgnoreCase(label.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a mode: " + String.join(", ", new Labels()));
    }

    /** Reads modes case-insensitively and lists them on a mistake. */
    static final class Converter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The labels, lower case, for help and completion. */
    public static final class Labels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> labels = new ArrayList<>();
            for (Mode m : values()) {
                labels.add(m.label());
            }
            return labels.iterator();
        }
    }
}
