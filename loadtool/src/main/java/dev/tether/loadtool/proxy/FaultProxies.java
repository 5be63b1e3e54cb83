package dev.tether.loadtool.proxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The proxies {@code loadtool run --fault-proxy} starts: one {@link FaultProxy} on a free loopback port in front of
 * each target, all with the same faults, in the run's own process.
 */
public final class FaultProxies implements AutoCloseable {
    private final FaultSpec spec;
    private final List<FaultProxy> proxies;

    private FaultProxies(FaultSpec spec, List<FaultProxy> proxies) {
        this.spec = spec;
        this.proxies = List.copyOf(proxies);
    }

    /**
     * Starts one proxy per target; {@code onFault} hears each fault as it strikes.
     *
     * @throws java.io.UncheckedIOException when a proxy cannot listen (the ones already started are closed)
     */
    public static FaultProxies start(FaultSpec spec, List<InetSocketAddress> targets, Consumer<String> onFault) {
        List<FaultProxy> started = new ArrayList<>();
        try {
            for (InetSocketAddress t : targets) {
                // Two threads each: the relay is cheap next to the clients' and the server's work.
                started.add(FaultProxy.builder().target(t).faults(spec).ioThreads(2).onFault(onFault).start());
            }
        } catch (RuntimeException e) {
            started.forEach(FaultProxy::close);
            throw e;
        }
        return new FaultProxies(spec, started);
    }

    /** Where the clients connect instead of the targets, in the targets' order. */
    public List<InetSocketAddress> addresses() {
        return proxies.stream().map(FaultProxy::address).toList();
    }

    /** The counts of all the proxies added up. */
    public ProxyStats stats() {
        long accepted = 0;
        int open = 0;
        long failures = 0;
        long up = 0;
        long down = 0;
        long cut = 0;
        Map<String, Long> faults = new LinkedHashMap<>();
        for (FaultProxy p : proxies) {
            ProxyStats s = p.stats();
            accepted += s.accepted();
            open += s.open();
            failures += s.upstreamFailures();
            up += s.bytesToTarget();
            down += s.bytesFromTarget();
            cut += s.connectionsCut();
            s.faults().forEach((k, v) -> faults.merge(k, v, Long::sum));
        }
        return new ProxyStats(accepted, open, failures, up, down, faults, cut);
    }

    /** One line for the run's summary: the spec and the counts. */
    public String summary() {
        return "'" + spec + "': " + stats();
    }

    @Override
    public void close() {
        proxies.forEach(FaultProxy::close);
    }
}
