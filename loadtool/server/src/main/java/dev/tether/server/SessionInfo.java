package dev.tether.server;

import java.net.SocketAddress;
import java.time.Instant;

/**
 * One entry of the server's connection registry, as seen at the moment of the snapshot.
 *
 * @param sessionId the id the server gave the connection (sent in the WELCOME)
 * @param clientId the client id from the hello, or empty while the handshake is pending
 * @param remoteAddress the peer's address
 * @param state where the session is in its life
 * @param connectedSince when the connection was accepted
 * @param lastActivity when the last frame arrived from the peer (the accept time if none has)
 * @param framesIn frames received
 * @param framesOut frames written
 * @param bytesIn bytes of frames received
 * @param bytesOut bytes written
 * @param requestsInFlight requests received and not yet answered (only non-zero with a service time)
 * @param pendingOutboundBytes bytes queued for the peer that the socket has not accepted yet
 */
public record SessionInfo(String sessionId, String clientId, SocketAddress remoteAddress, State state,
                          Instant connectedSince, Instant lastActivity, long framesIn, long framesOut, long bytesIn,
                          long bytesOut, int requestsInFlight, long pendingOutboundBytes) {

    /** The life of a session. */
    public enum State {
        /** Accepted; waiting for the hello. */
        HANDSHAKING,
        /** Welcomed; serving requests. */
        OPEN,
        /** GO_AWAY sent; finishing the requests in flight. */
        DRAINING,
        /** An error frame was sent (or the peer left); closing. */
        CLOSING
    }
}
