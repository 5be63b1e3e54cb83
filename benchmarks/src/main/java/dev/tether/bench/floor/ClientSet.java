package dev.tether.bench.floor;

import java.util.concurrent.CompletableFuture;

/**
 * The connections of one side of a floor session, all in this process: Tether's SDK clients or bare Netty
 * channels speaking the same frames. Every method but {@link #request} is called from the agent's command
 * thread; {@code request} may also be called from a completion (on an event loop) or the pacer thread.
 */
interface ClientSet extends AutoCloseable {

    /** Called once per response, on an event-loop thread. */
    interface Completion {
        void done(int connection, long tag, boolean ok);
    }

    /** Opens one more connection; completes when its handshake (HELLO answered by WELCOME) is done. */
    CompletableFuture<Void> open();

    int size();

    /** Sends one request of {@code payload} on connection {@code connection}; calls {@code completion} with {@code tag}. */
    void request(int connection, byte[] payload, long tag, Completion completion);

    /** Pushes received so far, over all connections. */
    long pushes();

    /** Closes every connection and waits (bounded) until they are closed; the set can be refilled afterwards. */
    void closeAll() throws Exception;

    /** Releases the event loops. */
    @Override
    void close() throws Exception;
}
