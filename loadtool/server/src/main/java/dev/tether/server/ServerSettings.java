package dev.tether.server;

import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.time.Duration;

/** The validated, immutable settings a {@link ReferenceServer} runs with; {@code tls} is {@code null} for plaintext. */
record ServerSettings(String host, int port, boolean reusePort, String authToken, Duration handshakeTimeout, Duration idleTimeout,
                      Duration heartbeatInterval, int maxConnections, int maxFrameLength, ServiceTime serviceTime,
                      double errorRate, double pushRate, String pushTopic, int pushSize, Duration drainTimeout,
                      Duration reconnectAfter, long maxPendingBytesPerConnection, long memoryBudget, int eventLoopThreads,
                      boolean nativeTransport, Duration authFailureDelayStep, Duration maxAuthFailureDelay,
                      Ticker ticker, Clock clock, double maxHandshakeRate,
                      ServerTls tls, int backlog,
                      Duration sessionTtl, int replayWindowMessages, long replayWindowBytes, Duration replayWindowAge,
                      ReferenceServer.SendListener sendListener) {

    /**
     * How often timeouts are checked: a tenth of the shortest timeout (the session time-to-live and the replay
     * window's age bound included), between 10 ms and 1 s.
     */
    long sweepIntervalNanos() {
        long shortest = Math.min(handshakeTimeout.toNanos(), replayWindowAge.toNanos());
        if (!idleTimeout.isZero()) {
            shortest = Math.min(shortest, idleTimeout.toNanos());
        }
        if (!sessionTtl.isZero()) {
            shortest = Math.min(shortest, sessionTtl.toNanos());
        }
        return Math.max(10_000_000L, Math.min(1_000_000_000L, shortest / 10));
    }
}
