package dev.tether.client.internal;

import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
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
    private volatile Instant connectedSince;
    private volatile long reconnects;
    private volatile long lastRttNanos = -1;

    /** A request was written and now waits for its answer (loop only). */
    void requestWritten() {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight + 1);
    }

    /** {@code n} requests in flight were answered, timed out or failed (loop only). */
    void requestsDone(int n) {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight - n);
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
        this.connectedSince = Instant.now();
    }

    /** The connection in use was lost or is going away. */
    void disconnected() {
        sessionId = null;
        connectedEndpoint = null;
        connectedSince = null;
    }

    /** The endpoint of the connection in use, or null. */
    InetSocketAddress connectedEndpoint() {
        return connectedEndpoint;
    }

    void roundTrip(long rttNanos) {
        lastRttNanos = rttNanos;
    }

    ClientStats snapshot(ConnectionState state, int bufferedSends, long bufferedBytes) {
        long rtt = lastRttNanos;
        return new ClientStats(state, sessionId, connectedEndpoint, connectedSince, reconnects,
                rtt < 0 ? null : Duration.ofNanos(rtt), framesIn(), framesOut(), bytesIn(), bytesOut(), requestsInFlight(),
                bufferedSends, bufferedBytes);
    }
}
