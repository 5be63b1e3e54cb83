package dev.tether.client;

/** Where a {@link TetherClient}'s one logical connection stands. */
public enum ConnectionState {
    /** Built; {@link TetherClient#connect()} has not been called yet (or a first connect failed without retry). */
    IDLE,
    /** A connection attempt is in progress: TCP connect, TLS handshake, then hello/welcome. */
    CONNECTING,
    /** The handshake is done; requests and sends go straight to the socket. */
    CONNECTED,
    /** The connection was lost (or an attempt failed); waiting for the backoff delay before the next attempt. */
    RECONNECTING,
    /**
     * The server sent GO_AWAY: no new requests or sends go to that connection (they wait in the send
     * buffer), those in flight finish there, and the client connects to the next endpoint after the hinted delay.
     */
    DRAINING,
    /** Closed by the application or by a fatal error (see {@link StateChange#cause()}); terminal. */
    CLOSED
}
