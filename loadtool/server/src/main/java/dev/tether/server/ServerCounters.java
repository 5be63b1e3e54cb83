package dev.tether.server;

import dev.tether.client.netty.SingleWriterFrameCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide totals behind {@link ServerStats}. Rare events are counted here directly, in
 * {@code LongAdder}s any thread may bump. The counters that move with every frame (frames and bytes in and
 * out, requests, sends, pushes) are kept per session in a {@link SessionCounters}, written only by the
 * session's event loop, so the hot path touches no shared memory; a session's counts are added here when it
 * ends, and a snapshot adds the live sessions' counts.
 */
final class ServerCounters {
    final LongAdder handshakes = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder rejectedFull = new LongAdder();
    /** Hellos refused over the handshake-rate limit ({@link HandshakeAdmission}). */
    final LongAdder rejectedBusy = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder applicationErrors = new LongAdder();
    /** Times a session stopped being read because of memory pressure (see {@link MemoryBudget}). */
    final LongAdder memoryPauses = new LongAdder();
    /** Connections closed to give memory back (also counted in {@link #slowConsumers}). */
    final LongAdder memoryShed = new LongAdder();
    // Session resumption (see SessionStore); the names are those of ServerStats.
    final LongAdder sessionsResumed = new LongAdder();
    final LongAdder resumesRefused = new LongAdder();
    final LongAdder sessionsExpired = new LongAdder();
    final LongAdder sendDuplicatesDropped = new LongAdder();
    final LongAdder pushesReplayed = new LongAdder();
    final LongAdder pushesDroppedFromWindow = new LongAdder();

    private final LongAdder retiredRequests = new LongAdder();
    private final LongAdder retiredSends = new LongAdder();
    private final LongAdder retiredPushes = new LongAdder();
    private final LongAdder retiredBytesIn = new LongAdder();
    private final LongAdder retiredBytesOut = new LongAdder();

    /**
     * Adds the counts of a session that has ended (once per session). Retiring and {@linkplain #snapshot taking a
     * snapshot} hold one lock (once per closed connection and once a second: no contention worth the name), so a
     * snapshot counts every session exactly once, either live or retired, even while it leaves the registry.
     */
    synchronized void retire(Session s) {
        s.retired = true;
        SessionCounters c = s.counters;
        retiredRequests.add(c.requests());
        retiredSends.add(c.sends());
        retiredPushes.add(c.pushes());
        retiredBytesIn.add(c.bytesIn());
        retiredBytesOut.add(c.bytesOut());
    }

    synchronized ServerStats snapshot(int connections, int sessionsDetached, Iterable<Session> live) {
        long requests = retiredRequests.sum();
        long sends = retiredSends.sum();
        long pushes = retiredPushes.sum();
        long bytesIn = retiredBytesIn.sum();
        long bytesOut = retiredBytesOut.sum();
        for (Session s : live) {
            if (s.retired) {
                continue; // counted above
            }
            // Acquire reads of values another thread writes: each is one the session really had.
            SessionCounters c = s.counters;
            requests += c.requests();
            sends += c.sends();
            pushes += c.pushes();
            bytesIn += c.bytesIn();
            bytesOut += c.bytesOut();
        }
        return new ServerStats(connections, handshakes.sum(), requests, pushes, sends, bytesIn, bytesOut, evictions.sum(),
                protocolErrors.sum(), authFailures.sum(), rejectedFull.sum(), handshakeTimeouts.sum(), slowConsumers.sum(),
                applicationErrors.sum(), sessionsResumed.sum(), resumesRefused.sum(), sessionsDetached, sessionsExpired.sum(),
                sendDuplicatesDropped.sum(), pushesReplayed.sum(), pushesDroppedFromWindow.sum());
    }

    /**
     * One session's counts: frames and bytes, counted by its codec, plus the requests, sends and pushes the
     * session serves. The session's event loop is the only writer (release stores); snapshots read from
     * other threads (acquire loads). The same idiom as the client SDK's counters.
     */
    static final class SessionCounters extends SingleWriterFrameCounters {
        private static final VarHandle REQUESTS;
        private static final VarHandle SENDS;
        private static final VarHandle PUSHES;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                REQUESTS = l.findVarHandle(SessionCounters.class, "requests", long.class);
                SENDS = l.findVarHandle(SessionCounters.class, "sends", long.class);
                PUSHES = l.findVarHandle(SessionCounters.class, "pushes", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long requests;
        private long sends;
        private long pushes;

        void request() {
            REQUESTS.setRelease(this, requests + 1);
        }

        void send() {
            SENDS.setRelease(this, sends + 1);
        }

        void push() {
            PUSHES.setRelease(this, pushes + 1);
        }

        long requests() {
            return (long) REQUESTS.getAcquire(this);
        }

        long sends() {
            return (long) SENDS.getAcquire(this);
        }

        long pushes() {
            return (long) PUSHES.getAcquire(this);
        }
    }
}
