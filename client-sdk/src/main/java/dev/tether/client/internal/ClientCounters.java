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
    private volatile long reconnects;
    private volatile long lastRttNanos = -1;
    private volatile long answersDropped;
    // Session resumption: rare events (per reconnect) or per acknowledgement batch, written on the loop only.
    private volatile Resumption resumption = Resumption.NOT_CONNECTED;
    private volatile long sendsAcknowledged;
    private volatile long sendsRetransmitted;
    private volatile long sendsResentAfterSessionLoss;
    private volatile long sendsFailedOnSessionLoss;
    private volatile long resumesSucceeded;
    private volatile long resumesFailed;
    private volatile long pushesReplayed;
    private volatile long pushDuplicatesDropped;
    private volatile long pushesMissing;

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
        answersDropped = answersDropped + 1;
    }

    void resumption(Resumption r) {
        resumption = r;
    }

    /** {@code n} sends were acknowledged by the server (loop only). */
    void sendsAcknowledged(int n) {
        sendsAcknowledged = sendsAcknowledged + n;
    }

    void sendsRetransmitted(int n) {
        sendsRetransmitted = sendsRetransmitted + n;
    }

    void sendsResentAfterSessionLoss(int n) {
        sendsResentAfterSessionLoss = sendsResentAfterSessionLoss + n;
    }

    void sendsFailedOnSessionLoss(int n) {
        sendsFailedOnSessionLoss = sendsFailedOnSessionLoss + n;
    }

    /** A reconnect resumed the session; the server replays {@code replayed} pushes. */
    void resumeSucceeded(long replayed) {
        resumesSucceeded = resumesSucceeded + 1;
        pushesReplayed = pushesReplayed + replayed;
    }

    void resumeFailed() {
        resumesFailed = resumesFailed + 1;
    }

    void pushDuplicateDropped() {
        pushDuplicatesDropped = pushDuplicatesDropped + 1;
    }

    void pushesMissing(long n) {
        pushesMissing = pushesMissing + n;
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
            reconnects = reconnects + 1;
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
        return new ClientStats(state, sessionId, connectedEndpoint, connectedSince, reconnects,
                rtt < 0 ? null : Duration.ofNanos(rtt), framesIn(), framesOut(), bytesIn(), bytesOut(), requestsInFlight(),
                bufferedSends, bufferedBytes, answersDropped, resumption, sendsAwaitingAck, sendsAcknowledged,
                sendsRetransmitted, sendsResentAfterSessionLoss, sendsFailedOnSessionLoss, resumesSucceeded, resumesFailed,
                pushesReplayed, pushDuplicatesDropped, pushesMissing);
    }
}
