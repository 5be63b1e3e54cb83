package dev.tether.client;

import dev.tether.client.internal.EventLoops;

/**
 * The threads every client shares: a fixed set of event-loop threads that run the clients' I/O and all
 * their timers (heartbeats, request timeouts, reconnect waits). Any number of clients can share one; ten
 * thousand clients on one {@code ClientResources} still use {@link #ioThreads()} threads and no timer
 * thread.
 *
 * <p>The threads run on Java NIO, which works everywhere, unless the application puts a Netty native
 * transport on the classpath (epoll or io_uring on Linux, kqueue on macOS): then that one is used, see
 * {@link #transport()} and the SDK's README. {@code -Dio.netty.transport.noNative=true} forces NIO.
 *
 * <pre>{@code
 * try (ClientResources resources = ClientResources.create()) {
 *     TetherClient a = TetherClient.builder().endpoint("gw", 7000).resources(resources).build();
 *     TetherClient b = TetherClient.builder().endpoint("gw", 7000).resources(resources).build();
 *     ...
 *     a.close(); b.close();      // closing a client never shuts shared resources down
 * }                              // close the resources last
 * }</pre>
 *
 * <p>Thread-safe. Closing the resources while clients still use them breaks those clients: close the
 * clients first.
 */
public final class ClientResources implements AutoCloseable {
    /** How long {@link #close()} waits for the threads to end: 10 s. */
    static final long SHUTDOWN_TIMEOUT_MILLIS = 10_000;

    private final EventLoops loops;

    private ClientResources(int ioThreads) {
        this.loops = new EventLoops(ioThreads);
    }

    /** Resources with one I/O thread per available processor. */
    public static ClientResources create() {
        return new ClientResources(Runtime.getRuntime().availableProcessors());
    }

    /** Resources with {@code ioThreads} (at least 1) I/O threads. */
    public static ClientResources create(int ioThreads) {
        return new ClientResources(ioThreads);
    }

    /** The number of event-loop threads. */
    public int ioThreads() {
        return loops.threads();
    }

    /**
     * Whether a Netty native transport is used (else NIO).
     *
     * @return true when {@link #transport()} is not {@code "nio"}
     */
    public boolean nativeTransport() {
        return loops.nativeTransport();
    }

    /**
     * The Netty transport the threads run on: {@code "nio"}, or {@code "epoll"}, {@code "io_uring"} or
     * {@code "kqueue"} when the application put that native transport on the classpath and it loads here.
     *
     * @return the transport's name
     */
    public String transport() {
        return loops.transport().name();
    }

    /** Shuts the threads down and waits for them (up to 10 s). Idempotent. Close the clients first. */
    @Override
    public void close() {
        loops.shutdown(SHUTDOWN_TIMEOUT_MILLIS);
    }

    EventLoops loops() {
        return loops;
    }

    @Override
    public String toString() {
        return "ClientResources[ioThreads=" + ioThreads() + ", transport=" + transport() + "]";
    }
}
