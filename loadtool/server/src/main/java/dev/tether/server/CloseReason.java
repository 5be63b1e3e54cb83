package dev.tether.server;

import dev.tether.protocol.ErrorCode;

/** Why an open session ended, as {@link ServerHandler#onClose} reports it. */
public enum CloseReason {
    /** The client closed the connection (or told the server it was closing it). */
    PEER_CLOSED,
    /** The connection failed (reset, broken pipe) without a close from either side. */
    CONNECTION_LOST,
    /** The client sent nothing for the idle timeout. */
    IDLE_TIMEOUT,
    /**
     * The client did not read what was queued for it (more than the per-session bound), or held more than
     * its share of the memory budget.
     */
    SLOW_CONSUMER,
    /** The client broke the protocol (a malformed or oversized frame, an unexpected message). */
    PROTOCOL_ERROR,
    /** The server sent GO_AWAY ({@link ServerSession#close} or a drain) and closed once nothing was in flight. */
    GOING_AWAY,
    /** The server stopped, or a drain reached its deadline, and closed the connection at once. */
    SERVER_STOPPED;

    /** The reason for a close that sends the error {@code code}. */
    static CloseReason of(ErrorCode code) {
        switch (code) {
            case IDLE_TIMEOUT:
                return IDLE_TIMEOUT;
            case SLOW_CONSUMER:
                return SLOW_CONSUMER;
            case DRAINING:
                return GOING_AWAY;
            default:
                return PROTOCOL_ERROR;
        }
    }
}
