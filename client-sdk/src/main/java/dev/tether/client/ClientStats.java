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
 * @param resumption whether the connection uses session resumption; with {@link Resumption#ON} a send completes
 *     when the server acknowledges it, otherwise when it is written
 * @param sendsAwaitingAck sends written and kept until the server acknowledges them (resumption on); they count
 *     against the send buffer's bounds together with {@code bufferedSends}
 * @param sendsAcknowledged sends the server acknowledged (their futures completed)
 * @param sendsRetransmitted sends written again after a resumed reconnect because the server had not received
 *     them (each still reaches the server exactly once)
 * @param sendsResentAfterSessionLoss unacknowledged sends written again on a new session after a session could
 *     not be resumed ({@link UnacknowledgedSends#RESEND}): each may have reached the server twice
 * @param sendsFailedOnSessionLoss unacknowledged sends failed with {@link SessionLostException} after a session
 *     could not be resumed ({@link UnacknowledgedSends#FAIL})
 * @param resumesSucceeded reconnects that resumed the session
 * @param resumesFailed reconnects that presented a resume token and got a new session instead
 * @param pushesReplayed pushes the server announced it replayed after resumed reconnects
 * @param pushDuplicatesDropped pushes received again (replayed after the client had them) and not delivered twice
 * @param pushesMissing pushes known to be lost: dropped from the server's replay window before a resume, or
 *     skipped in the sequence; pushes lost with a session the server forgot are not counted (unknown, see
 *     {@link SessionLoss})
 */
public record ClientStats(ConnectionState state, String sessionId, InetSocketAddress endpoint, Instant connectedSince,
                          long reconnects, Duration lastHeartbeatRtt, long framesIn, long framesOut, long bytesIn,
                          long bytesOut, int requestsInFlight, int bufferedSends, long bufferedBytes,
                          long answersDropped, Resumption resumption, int sendsAwaitingAck, long sendsAcknowledged,
                          long sendsRetransmitted, long sendsResentAfterSessionLoss, long sendsFailedOnSessionLoss,
                          long resumesSucceeded, long resumesFailed, long pushesReplayed, long pushDuplicatesDropped,
                          long pushesMissing) {
}
