package dev.tether.loadtool.proxy;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a {@link FaultProxy} did, as of one moment.
 *
 * @param accepted          connections accepted from clients since the start
 * @param open              connections open now
 * @param upstreamFailures  accepted connections closed because the target could not be reached
 * @param bytesToTarget     bytes read from clients (relayed to the target, or held when a cut came first)
 * @param bytesFromTarget   bytes read from the target (relayed to clients, or held when a cut came first)
 * @param faults            times each fault was injected, by {@link Fault#name()}, in the order of the spec
 * @param connectionsCut    connections closed by {@code cut} faults
 */
public record ProxyStats(long accepted, int open, long upstreamFailures, long bytesToTarget, long bytesFromTarget,
                         Map<String, Long> faults, long connectionsCut) {

    public ProxyStats {
        faults = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(faults));
    }

    /** One line, e.g.
     * {@code 40 connections (10 open, 0 target failures, 30 cut), 1.2 MB to the target, 3.4 MB back; faults: cut 3}. */
    @Override
    public String toString() {
        String f = faults.isEmpty() ? "none" : faults.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%d connections (%d open, %d target failures, %d cut), %s to the target, %s back; faults: %s",
                accepted, open, upstreamFailures, connectionsCut, bytes(bytesToTarget), bytes(bytesFromTarget), f);
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
    }
}
