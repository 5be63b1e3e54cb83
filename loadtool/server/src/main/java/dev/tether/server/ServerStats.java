package dev.tether.server;

/**
 * A snapshot of the reference server's counters. Totals count since the server started; they are
 * read without locking, so a snapshot taken under load is a consistent-enough view, not an atomic one.
 *
 * @param connections connections open right now, including those still in the handshake
 * @param handshakesTotal handshakes completed (a WELCOME was sent)
 * @param requestsTotal requests received from sessions past the handshake
 * @param pushesTotal pushes written to sessions (replays included)
 * @param sendsTotal one-way sends received and handed on (duplicates dropped by sequence not included)
 * @param bytesIn bytes of well-formed frames received (length prefix included)
 * @param bytesOut bytes written (frames, and the plain-text answer to HTTP clients)
 * @param evictions sessions closed because they sent nothing for the idle timeout
 * @param protocolErrors connections closed because they broke the protocol (malformed or oversized
 *     frame, unexpected message, a message before the hello, HTTP or TLS on the plaintext port)
 * @param authFailures hellos rejected for a missing or wrong auth token
 * @param rejectedFull connections refused because the server was at its connection limit
 * @param handshakeTimeouts connections closed because no hello arrived within the handshake timeout
 * @param slowConsumers sessions closed because more than the allowed bytes were queued for them
 * @param applicationErrors requests answered with a simulated {@code APPLICATION_ERROR} (see {@code errorRate})
 * @param sessionsResumed hellos that resumed a session (PROTOCOL.md §13): the session kept its id, the client
 *     was told what it lacked and its unacknowledged pushes were replayed
 * @param resumesRefused hellos whose resume token named no session the server still had (unknown, expired,
 *     evicted, or resumption is off): each started a fresh session, and its client was told so
 * @param sessionsDetached resumable sessions whose socket has gone, kept right now for their time-to-live
 * @param sessionsExpired detached sessions ended without being resumed: their time-to-live passed, or the
 *     memory budget needed their bytes (the oldest go first)
 * @param sendDuplicatesDropped sends received again after a resume, already delivered, and dropped by sequence
 * @param pushesReplayed pushes written again to a resumed session because its client had not received them
 * @param pushesDroppedFromWindow pushes dropped from a replay window before their client acknowledged them
 *     (over its message, byte or age bound); a client that resumes without them is told how many it lost
 */
public record ServerStats(int connections, long handshakesTotal, long requestsTotal, long pushesTotal, long sendsTotal,
                          long bytesIn, long bytesOut, long evictions, long protocolErrors, long authFailures,
                          long rejectedFull, long handshakeTimeouts, long slowConsumers, long applicationErrors,
                          long sessionsResumed, long resumesRefused, int sessionsDetached, long sessionsExpired,
                          long sendDuplicatesDropped, long pushesReplayed, long pushesDroppedFromWindow) {
}
