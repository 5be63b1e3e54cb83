package dev.tether.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one client, taken by {@link TetherClient#stats()}. Counters are totals since the client
 * was built, across all its connections. Fields are read without a lock, so a snapshot taken while
 * traffic flows may mix values a few frames apart.
 *
 * @param state the connection state
 * @param sessionId the server's session id of the current connection, or {@code null} when not connected
 * @param endpoint the endpoint of the current connection, or {@code null}
 * @param connectedSince when the current connection's handshake completed, or {@code null}
 * @param reconnects how many times the connection was re-established after the first handshake
 * @param lastHeartbeatRtt the round-trip time of the last answered ping, or {@code null} before the first pong
 * @param framesIn frames received
 * @param framesOut frames written
 * @param bytesIn bytes received (whole frames, length prefix included; TLS overhead excluded)
 * @param bytesOut bytes written (as for {@code bytesIn})
 * @param requestsInFlight requests written and not yet answered
 * @param bufferedSends sends and requests waiting in the send buffer
 * @param bufferedBytes the payload bytes waiting in the send buffer
 * @param answersDropped answers ({@code RESPONSE} or {@code ERROR}) that matched no request in flight, because
 *     the request had timed out or its future was cancelled, and were dropped
 */
public record ClientStats(ConnectionState state, String sessionId, InetSocketAddress endpoint, Instant connectedSince,
                          long reconnects, Duration lastHeartbeatRtt, long framesIn, long framesOut, long bytesIn,
                          long bytesOut, int requestsInFlight, int bufferedSends, long bufferedBytes,
                          long answersDropped) {
}
