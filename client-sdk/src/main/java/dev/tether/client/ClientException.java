package dev.tether.client;

/**
 * The base of every failure the SDK reports through a future or a {@link StateChange}. Its
 * {@link #reason()} says what happened and whether retrying the same operation is safe.
 */
public abstract class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, and whether the failed operation may safely be retried as it is. */
    public enum Reason {
        /** No connection could be established (refused, unreachable, timed out). Safe to retry: nothing was sent. */
        CONNECT_FAILED(true),
        /**
         * The connection dropped (closed by the peer, reset, or declared dead by the heartbeat) while the
         * operation was in flight. Not safe to retry blindly: the server may already have processed it.
         * A send or request that never reached the socket fails with this reason only if it was in Netty's
         * outbound buffer when the connection died.
         */
        CONNECTION_LOST(false),
        /** No response within the request timeout. Not safe to retry blindly: the server may have processed it. */
        REQUEST_TIMEOUT(false),
        /** The send buffer was full; the operation was never sent. Safe to retry later. */
        SEND_BUFFER_FULL(true),
        /**
         * The server refused the auth token, or its TLS handshake refused the client certificate (or its absence).
         * Retrying with the same token or certificate cannot succeed.
         */
        AUTH_FAILED(false),
        /** The server speaks no protocol version this client speaks. Retrying cannot succeed. */
        UNSUPPORTED_VERSION(false),
        /** The server answered the request with an error. Whether a retry helps depends on the error code. */
        SERVER_ERROR(false),
        /** The server is draining and refused the request unprocessed. Safe to retry (the client moves on). */
        DRAINING(true),
        /**
         * A reconnect could not resume the session (the server restarted, the session expired, or the server no
         * longer offers resumption) and the send had not been acknowledged. Not safe to retry blindly: the old
         * session's server may have received it. See {@link UnacknowledgedSends#FAIL}.
         */
        SESSION_LOST(false),
        /** The client is closed; the operation was never sent. Retrying on this client cannot succeed. */
        CLOSED(false);

        private final boolean retrySafe;

        Reason(boolean retrySafe) {
            this.retrySafe = retrySafe;
        }

        /** Whether the failed operation certainly had no effect on the server, so sending it again is safe. */
        public boolean retrySafe() {
            return retrySafe;
        }
    }

    private final Reason reason;

    /**
     * For the subclasses, each of which fixes its reason.
     *
     * @param reason what went wrong, and whether a retry is safe
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     */
    protected ClientException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /**
     * For the subclasses' shared, stackless variants. An exception made without a stack trace (and without
     * suppression) may be shared among the many futures one event fails, since nothing about it depends on
     * who receives it; its message and cause carry what is known.
     *
     * @param reason what went wrong, and whether a retry is safe
     * @param message what failed, naming the address, frame or value involved
     * @param cause the underlying failure, or {@code null}
     * @param writableStackTrace {@code false} for an exception with neither a stack trace nor suppressed exceptions
     */
    protected ClientException(Reason reason, String message, Throwable cause, boolean writableStackTrace) {
        super(message, cause, writableStackTrace, writableStackTrace);
        this.reason = reason;
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }
}
