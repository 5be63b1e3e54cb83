package dev.tether.client.internal;

import dev.tether.client.netty.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side of {@link dev.tether.client.ClientResources}: one event-loop group (of the
 * {@link Transport#preferred() preferred transport}: native when the application put one on the classpath,
 * NIO otherwise) whose threads run the I/O <em>and</em> the timers of every
 * client built on it. Each client is pinned to one event loop for its whole life, so its state needs no
 * locks and its timers (heartbeats, request timeouts, backoff waits) live in that loop's scheduled-task
 * queue: no thread or timer per client.
 */
public final class EventLoops {
    private final EventLoopGroup group;
    private final Transport transport;
    private final int threads;

    public EventLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + threads);
        }
        this.transport = Transport.preferred();
        this.group = transport.newEventLoopGroup(threads, new DefaultThreadFactory("tether-client", true));
        this.threads = threads;
    }

    /** The next loop, round robin: where a new client lives. */
    public EventLoop next() {
        return group.next();
    }

    public Class<? extends SocketChannel> channelClass() {
        return transport.socketChannelClass();
    }

    /** A new, unregistered socket channel of the transport in use. */
    public SocketChannel newChannel() {
        return transport.newSocketChannel();
    }

    public Transport transport() {
        return transport;
    }

    public boolean nativeTransport() {
        return transport.isNative();
    }

    public int threads() {
        return threads;
    }

    public boolean isTerminated() {
        return group.isTerminated();
    }

    public boolean isShutdown() {
        return group.isShuttingDown();
    }

    /** Shuts the threads down (no quiet period: clients are closed first) and waits up to {@code timeoutMillis}. */
    public boolean shutdown(long timeoutMillis) {
        group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        return group.terminationFuture().awaitUninterruptibly(timeoutMillis + 1000);
    }

    /** Starts shutting down and returns at once; {@code whenDone} runs once every thread has ended. */
    public void shutdownAsync(long timeoutMillis, Runnable whenDone) {
        group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
        group.terminationFuture().addListener(f -> whenDone.run());
    }
}
