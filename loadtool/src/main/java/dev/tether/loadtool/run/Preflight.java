package dev.tether.loadtool.run;

import java.net.InetSocketAddress;
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
            int sources = Math.max(1, plan.sourceAddresses().size());
            List<InetSocketAddress> targets = plan.targets();
            int targetCount = Math.max(1, targets.size());
            Map<Long, Integer> perPair = new HashMap<>();
            int worst = 0;
            for (int i = 0; i < plan.clients(); i++) {
                long pair = (long) (i % sources) * targetCount + (i % targetCount);
                worst = Math.max(worst, perPair.merge(pair, 1, Integer::sum));
            }
            if (worst > limits.ephemeralPorts()) {
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

    private static long roundUp(long n) {
        long step = n < 10_000 ? 1_000 : 10_000;
        return (n + step - 1) / step * step;
    }
}
