package dev.tether.server;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * One client's session on a {@link TetherServer}, as the application addresses it: who it is, what the
 * application attached to it, and a way to push to it or close it. Handed to every {@link ServerHandler}
 * call and found again with {@link TetherServer#session(String)}.
 *
 * <p>A session exists from its WELCOME (after the {@link Authenticator} accepted it) until its connection
 * closes; a client that reconnects gets a new session. Every method may be called from any thread and
 * never blocks: pushes and closes are carried out on the session's event loop.
 */
public interface ServerSession {
    /** The session id the server gave it (sent in the WELCOME; {@code TetherClient.stats().sessionId()} on the client). */
    String id();

    /** The server this session belongs to: for its {@linkplain TetherServer#group groups} and other sessions. */
    TetherServer server();

    /** The client id from the hello (may be empty). */
    String clientId();

    /** The principal the {@link Authenticator} accepted it as. */
    String principal();

    /** Where the connection comes from. */
    InetSocketAddress remoteAddress();

    /** Whether the session is still open: handshake done, no GO_AWAY sent, connection not closed. */
    boolean isOpen();

    /** The application's value stored under {@code name}, or null. */
    Object attribute(String name);

    /** Stores {@code value} under {@code name} for the session's life ({@code null} removes it); returns the previous value. */
    Object attribute(String name, Object value);

    /** The names of the {@link ServerGroup}s it is a member of, at this moment. */
    Set<String> groups();

    /**
     * Pushes {@code payload} to this session. The push is queued behind what the session already has to
     * receive; a client that does not read is closed ({@link CloseReason#SLOW_CONSUMER}) once more than the
     * server's {@code maxPendingBytesPerConnection} wait for it, so a push never blocks the caller.
     *
     * @param topic the topic carried in the PUSH frame, or null for none
     * @param payload the bytes (not copied: do not change them afterwards)
     * @return false if the session was no longer open, true if the push was handed to it
     * @throws IllegalArgumentException if the topic is longer than the protocol allows
     */
    boolean push(String topic, byte[] payload);

    /**
     * Ends the session gracefully: GO_AWAY (with the server's reconnect-after hint and {@code reason}), the
     * requests already in flight are answered (for at most the server's drain timeout), then the connection
     * closes ({@link CloseReason#GOING_AWAY}).
     * The SDK reconnects after the hint, as a new session. Does nothing if the session is no longer open.
     */
    void close(String reason);
}
