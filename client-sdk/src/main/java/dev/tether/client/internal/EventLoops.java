package dev.tether.client.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side of {@link dev.tether.client.ClientResources}: one event-loop group (epoll when the
 * native transport loads, NIO otherwise) whose threads run the I/O <em>and</em> the timers of every
 * client built on it. Each client is pinned to one event loop for its whole life, so its state needs no
 * locks and its timers (heartbeats, request timeouts, backoff waits) live in that loop's scheduled-task
 * queue: no thread or timer per client.
 */
public final class EventLoops {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final boolean nativeTransport;
    private final int threads;

    public EventLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + threads);
        }
        this.nativeTransport = Epoll.isAvailable();
        IoHandlerFactory factory = nativeTransport ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("tether-client", true), factory);
        this.channelClass = nativeTransport ? EpollSocketChannel.class : NioSocketChannel.class;
        this.threads = threads;
    }

    /** The next loop, round robin: where a new client lives. */
    public EventLoop next() {
        return group.next();
    }

    public Class<? extends SocketChannel> channelClass() {
        return channelClass;
    }

    /** A new, unregistered socket channel of the transport in use. */
    public SocketChannel newChannel() {
        return nativeTransport ? new EpollSocketChannel() : new NioSocketChannel();
    }

    public boolean nativeTransport() {
        return nativeTransport;
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
