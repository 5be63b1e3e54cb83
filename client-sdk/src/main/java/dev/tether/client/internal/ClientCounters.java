package dev.tether.client.internal;

import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
import dev.tether.client.Resumption;
import dev.tether.client.netty.SingleWriterFrameCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What {@link dev.tether.client.TetherClient#stats()} shows of a client: the frames and bytes its codec
 * counts on every connection, the requests in flight, and the current connection's facts. Written only on
 * the client's event loop (the hot counters with release stores, the rare facts through volatile fields),
 * read from any thread (acquire and volatile loads).
 */
final class ClientCounters extends SingleWriterFrameCounters {
    private static final VarHandle REQUESTS_IN_FLIGHT;
    /** No connection in use (a long, not an Instant: one object fewer per idle client). */
    private static final long NOT_CONNECTED = Long.MIN_VALUE;
    /** All zeros: what a snapshot reads before the first session event. Never written. */
    private static final SessionTotals NO_TOTALS = new SessionTotals();

    static {
        try {
            REQUESTS_IN_FLIGHT = MethodHandles.lookup().findVarHandle(ClientCounters.class, "requestsInFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int requestsInFlight;
    private volatile String sessionId;
    private volatile InetSocketAddress connectedEndpoint;
    /** When the current connection's handshake completed, in nanoseconds since the epoch; NOT_CONNECTED when none. */
    private volatile long connectedSinceEpochNanos = NOT_CONNECTED;
    private volatile long lastRttNanos = -1;
    // Session resumption, written on the loop only: the one counter of the steady state here, the rest (with the
    // reconnects and the dropped answers) in SessionTotals, made at the first reconnect or oddity (a client that
    // never loses its socket holds none).
    private volatile Resumption resumption = Resumption.NOT_CONNECTED;
    private volatile long sendsAcknowledged;
    private volatile SessionTotals sessionTotals;

    /** What happens at reconnects (or when a server misbehaves): rare, so kept apart from the idle client. */
    private static final class SessionTotals {
        volatile long reconnects;
        volatile long answersDropped;
        volatile long sendsRetransmitted;
        volatile long sendsResentAfterSessionLoss;
        volatile long sendsFailedOnSessionLoss;
        volatile long resumesSucceeded;
        volatile long resumesFailed;
        volatile long pushesReplayed;
        volatile long pushDuplicatesDropped;
        volatile long pushesMissing;
    }

    /** The session totals, made on first use (loop only). */
    private SessionTotals totals() {
        SessionTotals t = sessionTotals;
        if (t == null) {
            t = new SessionTotals();
            sessionTotals = t;
        }
        return t;
    }

    /** A request was written and now waits for its answer (loop only). */
    void requestWritten() {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight + 1);
    }

    /** {@code n} requests in flight were answered, timed out or failed (loop only). */
    void requestsDone(int n) {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight - n);
    }

    /** An answer matched no request in flight (timed out, cancelled or unknown) and was dropped (loop only). */
    void answerDropped() {
        SessionTotals t = totals();
        t.answersDropped = t.answersDropped + 1;
    }

    void resumption(Resumption r) {
        resumption = r;
    }

    /** {@code n} sends were acknowledged by the server (loop only). */
    void sendsAcknowledged(int n) {
        sendsAcknowledged = sendsAcknowledged + n;
    }

    void sendsRetransmitted(int n) {
        if (n > 0) {
            SessionTotals t = totals();
            t.sendsRetransmitted = t.sendsRetransmitted + n;
        }
    }

    void sendsResentAfterSessionLoss(int n) {
        if (n > 0) {
            SessionTotals t = totals();
            t.sendsResentAfterSessionLoss = t.sendsResentAfterSessionLoss + n;
        }
    }

    void sendsFailedOnSessionLoss(int n) {
        if (n > 0) {
            SessionTotals t = totals();
            t.sendsFailedOnSessionLoss = t.sendsFailedOnSessionLoss + n;
        }
    }

    /** A reconnect resumed the session; the server replays {@code replayed} pushes. */
    void resumeSucceeded(long replayed) {
        SessionTotals t = totals();
        t.resumesSucceeded = t.resumesSucceeded + 1;
        t.pushesReplayed = t.pushesReplayed + replayed;
    }

    void resumeFailed() {
        SessionTotals t = totals();
        t.resumesFailed = t.resumesFailed + 1;
    }

    void pushDuplicateDropped() {
        SessionTotals t = totals();
        t.pushDuplicatesDropped = t.pushDuplicatesDropped + 1;
    }

    void pushesMissing(long n) {
        SessionTotals t = totals();
        t.pushesMissing = t.pushesMissing + n;
    }

    /** Requests written and not yet answered; safe from any thread. */
    int requestsInFlight() {
        return (int) REQUESTS_IN_FLIGHT.getAcquire(this);
    }

    /** The same, for the loop that writes it (a plain read). */
    int requestsInFlightOnLoop() {
        return requestsInFlight;
    }

    /** A handshake completed; {@code reconnect}: it was not the client's first. */
    void connected(String sessionId, InetSocketAddress endpoint, boolean reconnect) {
        if (reconnect) {
            SessionTotals t = totals();
            t.reconnects = t.reconnects + 1;
        }
        this.sessionId = sessionId;
        this.connectedEndpoint = endpoint;
        Instant now = Instant.now();
        this.connectedSinceEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The connection in use was lost or is going away. */
    void disconnected() {
        sessionId = null;
        connectedEndpoint = null;
        connectedSinceEpochNanos = NOT_CONNECTED;
    }

    /** The endpoint of the connection in use, or null. */
    InetSocketAddress connectedEndpoint() {
        return connectedEndpoint;
    }

    void roundTrip(long rttNanos) {
        lastRttNanos = rttNanos;
    }

    ClientStats snapshot(ConnectionState state, int bufferedSends, long bufferedBytes, int sendsAwaitingAck) {
        long rtt = lastRttNanos;
        long since = connectedSinceEpochNanos;
        Instant connectedSince = since == NOT_CONNECTED ? null : Instant.ofEpochSecond(0, since);
        SessionTotals t = sessionTotals;
        if (t == null) {
            t = NO_TOTALS;
        }
        return new ClientStats(state, sessionId, connectedEndpoint, connectedSince, t.reconnects,
                rtt < 0 ? null : Duration.ofNanos(rtt), framesIn(), framesOut(), bytesIn(), bytesOut(), requestsInFlight(),
                bufferedSends, bufferedBytes, t.answersDropped, resumption, sendsAwaitingAck, sendsAcknowledged,
                t.sendsRetransmitted, t.sendsResentAfterSessionLoss, t.sendsFailedOnSessionLoss, t.resumesSucceeded,
                t.resumesFailed, t.pushesReplayed, t.pushDuplicatesDropped, t.pushesMissing);
    }
}
