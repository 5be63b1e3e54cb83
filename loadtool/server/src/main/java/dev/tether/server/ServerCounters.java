package dev.tether.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide totals behind {@link ServerStats}. Rare events are counted here directly. The five
 * counters that move with every frame (requests, sends, pushes, bytes in and out) are kept per session,
 * in plain fields written only by the session's event loop, so the hot path touches no shared memory;
 * a session's counts are added here when it ends, and a snapshot adds the live sessions' counts.
 */
final class ServerCounters {
    final LongAdder handshakes = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder rejectedFull = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder applicationErrors = new LongAdder();
    /** Times a session stopped being read because of memory pressure (see {@link MemoryBudget}). */
    final LongAdder memoryPauses = new LongAdder();
    /** Connections closed to give memory back (also counted in {@link #slowConsumers}). */
    final LongAdder memoryShed = new LongAdder();

    private final LongAdder retiredRequests = new LongAdder();
    private final LongAdder retiredSends = new LongAdder();
    private final LongAdder retiredPushes = new LongAdder();
    private final LongAdder retiredBytesIn = new LongAdder();
    private final LongAdder retiredBytesOut = new LongAdder();

    /** Adds the counts of a session that has ended (once per session). */
    void retire(Session s) {
        retiredRequests.add(s.requests);
        retiredSends.add(s.sends);
        retiredPushes.add(s.pushes);
        retiredBytesIn.add(s.bytesIn);
        retiredBytesOut.add(s.bytesOut);
    }

    ServerStats snapshot(int connections, Iterable<Session> live) {
        long requests = retiredRequests.sum();
        long sends = retiredSends.sum();
        long pushes = retiredPushes.sum();
        long bytesIn = retiredBytesIn.sum();
        long bytesOut = retiredBytesOut.sum();
        for (Session s : live) {
            // Racy reads of fields another thread writes: each value is one the session really had.
            requests += s.requests;
            sends += s.sends;
            pushes += s.pushes;
            bytesIn += s.bytesIn;
            bytesOut += s.bytesOut;
        }
        return new ServerStats(connections, handshakes.sum(), requests, pushes, sends, bytesIn, bytesOut, evictions.sum(),
                protocolErrors.sum(), authFailures.sum(), rejectedFull.sum(), handshakeTimeouts.sum(), slowConsumers.sum(),
                applicationErrors.sum());
    }
}
