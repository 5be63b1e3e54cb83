package dev.tether.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One logical connection to a Tether server that stays up: it says hello, sends heartbeats, detects a
 * dead peer, reconnects with backoff (moving to the next endpoint), buffers sends while disconnected,
 * and correlates requests with responses.
 *
 * <h2>Create</h2>
 * <pre>{@code
 * TetherClient client = TetherClient.builder()
 *         .endpoint("gw.example.com", 7000)
 *         .onPush(push -> handle(push.payload()))
 *         .onStateChange(change -> log.info("{}", change))
 *         .build();
 * client.connect().get(10, TimeUnit.SECONDS);   // handshake done
 * byte[] answer = client.request(bytes).get();  // or compose the future
 * client.send(event);                           // one-way; buffered while reconnecting
 * }</pre>
 *
 * <h2>Share</h2>
 * Each client built without {@link Builder#resources(ClientResources)} gets a private one-thread
 * {@link ClientResources}. Many clients in one process should share one:
 * <pre>{@code
 * ClientResources shared = ClientResources.create();
 * TetherClient c = TetherClient.builder().config(config).resources(shared).build();
 * }</pre>
 *
 * <h2>Resume</h2>
 * When the server offers session resumption (protocol version 2; see {@link ClientConfig.Builder#resumption(boolean)},
 * on by default) one session outlives its sockets: a send completes when the server acknowledges it and is
 * written again after a reconnect if the server lacks it, and pushes sent while the client was away are
 * replayed, each delivered once. What a reconnect cannot carry across is told once, with numbers:
 * <pre>{@code
 * TetherClient client = TetherClient.builder()
 *         .endpoint("gw.example.com", 7000)
 *         .onSessionLoss(loss -> log.warn(loss.describe()))   // NOT_RESUMED, NOT_OFFERED or PUSHES_LOST
 *         .build();
 * client.stats().resumption();                                 // ON, OFF, NOT_OFFERED or NOT_CONNECTED
 * }</pre>
 *
 * <h2>Close</h2>
 * {@link #close()} is graceful and idempotent: buffered sends are written, in-flight requests get up to
 * {@link ClientConfig#closeTimeout()} to finish, then the connection closes; whatever could not be
 * delivered fails with {@link ClientClosedException}. A client's own private resources are shut down with
 * it; shared ones are not: close them after their clients.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe and never block, except {@link #close()}. Futures are completed, and
 * listeners called (unless a {@link Builder#listenerExecutor(Executor) listener executor} is given), on the
 * client's event-loop thread, which many clients share: callbacks chained with {@code thenApply} etc. run
 * there too and must not block. Use the {@code *Async} variants with your own executor for slow work.
 */
public interface TetherClient extends AutoCloseable {

    /** A builder: give it a {@link ClientConfig} or an endpoint, optionally resources and listeners. */
    static Builder builder() {
        return new ClientBuilder();
    }

    /**
     * Starts connecting (if not yet connected or connecting) and returns a future that completes when a
     * handshake (hello answered by welcome) is done. With {@link ClientConfig#retryFirstConnect()} false (the
     * default) a first connect tries each endpoint once and fails with {@link ConnectFailedException} if none
     * answers; with true it retries with the backoff until it succeeds. Fails with
     * {@link AuthenticationException} or {@link UnsupportedVersionException} (the client then closes), or
     * {@link ClientClosedException}. Once connected, the client reconnects on its own; calling this again
     * returns a future for the current or next handshake.
     */
    CompletableFuture<Void> connect();

    /** {@link #request(byte[], Duration)} with {@link ClientConfig#requestTimeout()}. */
    CompletableFuture<byte[]> request(byte[] payload);

    /**
     * Sends a request and returns a future of the response payload. While there is no usable connection
     * (connecting, reconnecting, draining) or the socket is not writable, the request waits in the bounded
     * send buffer. Fails with {@link RequestTimeoutException} after {@code timeout} (counted from this call,
     * buffer time included), {@link ConnectionLostException} if the connection drops while it is in flight,
     * {@link ServerErrorException} if the server answers with an error, {@link SendBufferFullException} at once
     * if the buffer is full, {@link ClientClosedException}, or {@link IllegalArgumentException} if the payload
     * exceeds the max frame length. The SDK never retries a request on its own. Do not modify
     * {@code payload} afterwards (it is not copied).
     */
    CompletableFuture<byte[]> request(byte[] payload, Duration timeout);

    /**
     * Sends a one-way message. While there is no usable connection the send waits in the bounded send buffer
     * and is written, in order, when the connection is back.
     *
     * <p>With session resumption on ({@link ClientStats#resumption()} {@link Resumption#ON}, the default when
     * the server offers it) the future completes when the server has <em>acknowledged</em> the message; until
     * then it is kept (within the send buffer's bounds) and, after a reconnect that resumes the session,
     * written again if the server lacks it: it reaches the server exactly once. If a reconnect cannot resume
     * the session, {@link ClientConfig#unacknowledgedSends()} decides: sent again on the new session, or failed
     * with {@link SessionLostException} (see {@link SessionLoss}).
     *
     * <p>Without resumption the future completes when the frame was written to the socket (which does not
     * prove the server read it: bytes written to a socket that then dies can be lost), and fails with
     * {@link ConnectionLostException} if the connection dropped before the frame was written.
     *
     * <p>Fails with {@link SendBufferFullException} at once if the buffer (sends waiting plus sends awaiting
     * acknowledgement) is full, or with {@link ClientClosedException}. Nothing accepted is dropped silently.
     */
    CompletableFuture<Void> send(byte[] payload);

    /**
     * Sends a heartbeat ping now and completes with the round-trip time when the pong arrives. Fails with
     * {@link ConnectionLostException} if not connected, {@link RequestTimeoutException} after the request
     * timeout.
     */
    CompletableFuture<Duration> ping();

    /**
     * Skips the current backoff (or go-away) wait and connects now; for an application that knows the network
     * just came back. No effect in any other state.
     */
    void reconnectNow();

    /** The current state. */
    ConnectionState state();

    /** A snapshot of state and counters. */
    ClientStats stats();

    /** The configuration this client was built with. */
    ClientConfig config();

    /**
     * Starts a graceful close and returns a future that completes when the connection is closed and, for a
     * client with private resources, its thread has ended. Idempotent.
     */
    CompletableFuture<Void> closeAsync();

    /**
     * {@link #closeAsync()} and waits for it (at most the close timeout plus 10 s). Idempotent, never throws.
     * Called on the client's own event-loop thread (from a listener or callback), it does not wait.
     */
    @Override
    void close();

    /** Builds a {@link TetherClient}. Not thread-safe. */
    interface Builder {
        /** The configuration (required, or use {@link #endpoint(String, int)}). */
        Builder config(ClientConfig config);

        /** Shortcut: a default configuration with this single endpoint. */
        Builder endpoint(String host, int port);

        /** Shared resources. Default: a private one-thread {@link ClientResources}, closed with the client. */
        Builder resources(ClientResources resources);

        /** Receives pushes. Default: none (pushes are dropped). */
        Builder onPush(PushListener listener);

        /** Receives state changes. Default: none. */
        Builder onStateChange(StateListener listener);

        /**
         * Told once each time a reconnect could not carry the whole session across: the server did not resume
         * it, no longer offers resumption, or lost pushes from its replay window (see {@link SessionLoss}).
         * Default: none (the loss still shows as the cause of the {@link StateChange} to CONNECTED and in
         * {@link #stats()}).
         */
        Builder onSessionLoss(SessionLossListener listener);

        /**
         * Where listeners run. Default: the client's event-loop thread, where they must not block (every
         * client sharing that thread would stall). For ordered delivery use a single-threaded executor.
         */
        Builder listenerExecutor(Executor executor);

        /**
         * Builds the client (it does not connect yet: call {@link TetherClient#connect()}).
         *
         * @throws IllegalStateException if neither a config nor an endpoint was given, or the resources are closed
         */
        TetherClient build();
    }
}
