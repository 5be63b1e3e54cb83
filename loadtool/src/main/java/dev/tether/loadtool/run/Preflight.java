package dev.tether.loadtool.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a plan against the machine before anything connects: enough open files for every socket, and
 * enough ephemeral ports for each source address and target. A refusal says what to change instead of
 * letting the run fail halfway.
 */
final class Preflight {
    /** Files the JVM and the tool need besides the sockets (jars, logs, epoll, pipes). */
    static final int FILE_MARGIN = 128;

    private Preflight() {
    }

    /** The problems found, each one a message with the fix; empty when the plan fits. */
    static List<String> check(LoadPlan plan, ResourceLimits limits) {
        List<String> problems = new ArrayList<>();
        // A client's socket, the embedded server's side of it, and a fault proxy's two (its accepted one, its upstream).
        int perClient = (plan.embedded() ? 2 : 1) + (plan.faultProxy() != null ? 2 : 0);
        long sockets = plan.clients() * (long) perClient;
        if (limits.maxOpenFiles() > 0) {
            long open = Math.max(0, limits.openFiles());
            long needed = sockets + open + FILE_MARGIN;
            if (needed > limits.maxOpenFiles()) {
                long fit = Math.max(0, (limits.maxOpenFiles() - open - FILE_MARGIN) / perClient);
                problems.add(String.format(java.util.Locale.ROOT,
                        "%d clients need about %d open files (%d sockets%s, %d open already, %d spare) but the limit is %d. "
                                + "Raise it (ulimit -n %d), %suse at most --clients %d.",
                        plan.clients(), needed, sockets, (plan.embedded() ? " counting the embedded server's side" : "")
                                + (plan.faultProxy() != null ? " and the fault proxy's two" : ""), open,
                        FILE_MARGIN, limits.maxOpenFiles(), roundUp(needed),
                        plan.embedded() ? "run the server in another process (loadtool server, then --target host:port), or " : "or ",
                        fit));
            }
        }
        if (limits.ephemeralPorts() > 0) {
            int worst = connectionsPerPair(plan);
            if (worst > limits.ephemeralPorts()) {
                int targetCount = Math.max(1, plan.targets().size());
                int neededSources = (int) Math.ceil((double) plan.clients() / targetCount / limits.ephemeralPorts());
                problems.add(String.format(java.util.Locale.ROOT,
                        "%d clients put up to %d connections on one source address and target, but only %d ephemeral ports exist "
                                + "(net.ipv4.ip_local_port_range = %s). Add source addresses (at least %d, e.g. --source-address 127.0.0.2-127.0.0.%d "
                                + "for a loopback target), widen the port range (sysctl net.ipv4.ip_local_port_range), or use fewer clients.",
                        plan.clients(), worst, limits.ephemeralPorts(), limits.portRange(), neededSources,
                        Math.min(254, 1 + neededSources)));
            }
        }
        return problems;
    }

    /**
     * What will slow the ramp down although the plan fits, each a message with the fix; empty when nothing does.
     * Printed before the run, never a refusal.
     *
     * @param somaxconn {@code net.core.somaxconn} (the cap on every listen backlog), or -1 when unknown
     */
    static List<String> notes(LoadPlan plan, ResourceLimits limits, int somaxconn) {
        List<String> notes = new ArrayList<>();
        int worst = connectionsPerPair(plan);
        if (limits.ephemeralPorts() > 0 && worst > limits.ephemeralPorts() / 2 && worst <= limits.ephemeralPorts()) {
            int targetCount = Math.max(1, plan.targets().size());
            int sources = (int) Math.ceil((double) plan.clients() / targetCount / portsPerAddress(limits.ephemeralPorts()));
            notes.add(String.format(java.util.Locale.ROOT,
                    "up to %d connections share one source address and target, more than half of the %d ephemeral ports: past "
                            + "half, the kernel searches longer for a free port on every connect (milliseconds instead of "
                            + "microseconds) and the ramp slows down. Add source addresses (%d, e.g. --source-address "
                            + "127.0.0.2-127.0.0.%d for a loopback target).",
                    worst, limits.ephemeralPorts(), sources, Math.min(254, 1 + sources)));
        }
        boolean local = plan.embedded() || plan.targets().stream().allMatch(t -> t.getAddress() != null && t.getAddress().isLoopbackAddress());
        if (local && somaxconn > 0 && plan.connectRate() > somaxconn) {
            notes.add(String.format(java.util.Locale.ROOT,
                    "net.core.somaxconn is %d: a server's queue of connections not yet accepted holds %.1f s of this %.0f/s ramp. "
                            + "A server that stops accepting for longer (GC, JIT, start-up) makes the kernel drop SYNs, which clients "
                            + "send again only after 1 s, 3 s, 7 s... As root: sysctl -w net.core.somaxconn=65535 "
                            + "net.ipv4.tcp_max_syn_backlog=65535 (the server asks for a backlog of --backlog, the kernel grants at most somaxconn).",
                    somaxconn, somaxconn / plan.connectRate(), plan.connectRate()));
        }
        return notes;
    }

    /**
     * How many connections one source address may open to one target before connects slow down: a quarter of the
     * ephemeral range. Linux gives {@code connect()} the even ports of the range first (and {@code bind()} the odd
     * ones); once about half of the range is taken for one source and target, each further connect scans the taken
     * ports before it finds one, and a connect costs milliseconds of kernel time instead of tens of microseconds
     * (measured in docs/BENCHMARKS.md). A quarter keeps clear of that, with room for reconnects.
     */
    static int portsPerAddress(int ephemeralPorts) {
        return Math.max(1, ephemeralPorts / 4);
    }

    /** The most connections the plan puts on one pair of source address and target (clients take both in turn). */
    static int connectionsPerPair(LoadPlan plan) {
        int sources = Math.max(1, plan.sourceAddresses().size());
        int targetCount = Math.max(1, plan.targets().size());
        Map<Long, Integer> perPair = new HashMap<>();
        int worst = 0;
        for (int i = 0; i < plan.clients(); i++) {
            long pair = (long) (i % sources) * targetCount + (i % targetCount);
            worst = Math.max(worst, perPair.merge(pair, 1, Integer::sum));
        }
        return worst;
    }

    private static long roundUp(long n) {
        long step = n < 10_000 ? 1_000 : 10_000;
        return (n + step - 1) / step * step;
    }
}
