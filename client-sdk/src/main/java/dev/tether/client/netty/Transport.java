package dev.tether.client.netty;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The Netty transport a Tether program runs on: the one place that chooses between Java NIO and a native
 * transport (epoll or io_uring on Linux, kqueue on macOS and BSD), used alike by the SDK's
 * {@code ClientResources}, the reference server and the benchmarks.
 *
 * <p>A native transport is the application's choice: it is used when its jar (with the native library for
 * the machine) is on the classpath and loads, and NIO, which works everywhere, otherwise. The SDK itself
 * depends on none. Native classes are looked up by name, never linked, so a classpath without them cannot
 * fail with a {@code NoClassDefFoundError}. Netty's own switch {@code -Dio.netty.transport.noNative=true}
 * turns every native transport off.
 *
 * <pre>{@code
 * Transport transport = Transport.preferred();           // e.g. "epoll" on Linux with the epoll jar, else "nio"
 * EventLoopGroup group = transport.newEventLoopGroup(2, new DefaultThreadFactory("my-server", true));
 * new ServerBootstrap().group(group).channel(transport.serverSocketChannelClass())...
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Transport {
    private static final Transport NIO = new Transport("nio", false, NioIoHandler::newFactory,
            NioSocketChannel.class, NioServerSocketChannel.class, NioSocketChannel::new);

    /**
     * Native transports in order of preference: epoll, the one the project's own tests and benchmarks run on,
     * before io_uring, so that a jar that brings epoll along (tether-server does) keeps the tested transport.
     * Each package has {@code <Prefix>.isAvailable()},
     * {@code <Prefix>IoHandler.newFactory()}, {@code <Prefix>SocketChannel} and {@code <Prefix>ServerSocketChannel}.
     */
    private static final List<NativeCandidate> NATIVE_CANDIDATES = List.of(
            new NativeCandidate("epoll", "io.netty.channel.epoll", "Epoll"),
            new NativeCandidate("io_uring", "io.netty.channel.uring", "IoUring"),
            new NativeCandidate("kqueue", "io.netty.channel.kqueue", "KQueue"));

    private record NativeCandidate(String name, String pkg, String prefix) {
    }

    private final String name;
    private final boolean isNative;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends SocketChannel> socketChannelClass;
    private final Class<? extends ServerSocketChannel> serverSocketChannelClass;
    private final ChannelFactory<? extends SocketChannel> socketChannelFactory;

    private Transport(String name, boolean isNative, Supplier<IoHandlerFactory> ioHandlerFactory,
                      Class<? extends SocketChannel> socketChannelClass,
                      Class<? extends ServerSocketChannel> serverSocketChannelClass,
                      ChannelFactory<? extends SocketChannel> socketChannelFactory) {
        this.name = name;
        this.isNative = isNative;
        this.ioHandlerFactory = ioHandlerFactory;
        this.socketChannelClass = socketChannelClass;
        this.serverSocketChannelClass = serverSocketChannelClass;
        this.socketChannelFactory = socketChannelFactory;
    }

    /**
     * The best transport this JVM can use: the first native transport whose classes are on the classpath
     * and whose native library loads (epoll, then io_uring, then kqueue), else NIO. Decided once per JVM.
     *
     * @return the preferred transport, never null
     */
    public static Transport preferred() {
        return Preferred.TRANSPORT;
    }

    /**
     * Java NIO: available on every platform.
     *
     * @return the NIO transport
     */
    public static Transport nio() {
        return NIO;
    }

    /**
     * The transport to use when native transports are allowed or not.
     *
     * @param allowNative whether a native transport may be chosen when one is available
     * @return {@link #preferred()} when {@code allowNative}, else {@link #nio()}
     */
    public static Transport choose(boolean allowNative) {
        return allowNative ? preferred() : NIO;
    }

    /**
     * The transport's short name, as people say it: {@code "nio"}, {@code "epoll"}, {@code "io_uring"} or
     * {@code "kqueue"}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Whether this is a native transport (anything but NIO).
     *
     * @return true for io_uring, epoll and kqueue
     */
    public boolean isNative() {
        return isNative;
    }

    /**
     * A new I/O handler factory of this transport, for a {@link MultiThreadIoEventLoopGroup}.
     *
     * @return a new factory
     */
    public IoHandlerFactory ioHandlerFactory() {
        return ioHandlerFactory.get();
    }

    /**
     * A new event-loop group of this transport.
     *
     * @param threads the number of event-loop threads, at least 1
     * @param threadFactory makes the threads (names them, makes them daemons or not)
     * @return a new group; the caller shuts it down
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public EventLoopGroup newEventLoopGroup(int threads, ThreadFactory threadFactory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        return new MultiThreadIoEventLoopGroup(threads, Objects.requireNonNull(threadFactory, "threadFactory"),
                ioHandlerFactory());
    }

    /**
     * The client socket channel class, for {@code Bootstrap.channel(...)}.
     *
     * @return the socket channel class of this transport
     */
    public Class<? extends SocketChannel> socketChannelClass() {
        return socketChannelClass;
    }

    /**
     * The server socket channel class, for {@code ServerBootstrap.channel(...)}.
     *
     * @return the server socket channel class of this transport
     */
    public Class<? extends ServerSocketChannel> serverSocketChannelClass() {
        return serverSocketChannelClass;
    }

    /**
     * A new, unregistered client socket channel of this transport; register it with an event loop of a group
     * made by this same transport.
     *
     * @return a new channel
     */
    public SocketChannel newSocketChannel() {
        return socketChannelFactory.newChannel();
    }

    /** Returns {@link #name()}. */
    @Override
    public String toString() {
        return name;
    }

    /** Initialized on first use of {@link #preferred()}, so {@link #nio()} never probes for native libraries. */
    private static final class Preferred {
        static final Transport TRANSPORT = detect();

        private static Transport detect() {
            for (NativeCandidate c : NATIVE_CANDIDATES) {
                Transport t = loadNative(c);
                if (t != null) {
                    return t;
                }
            }
            return NIO;
        }
    }

    /**
     * The native transport in {@code pkg}, or null when its classes are absent or its native library does not
     * load here. Everything goes through reflection: a direct reference would make this class fail to link on
     * a classpath without the native jar.
     */
    private static Transport loadNative(NativeCandidate candidate) {
        ClassLoader loader = Transport.class.getClassLoader();
        String pkg = candidate.pkg();
        String prefix = candidate.prefix();
        try {
            Class<?> probe = Class.forName(pkg + "." + prefix, true, loader);
            if (!Boolean.TRUE.equals(probe.getMethod("isAvailable").invoke(null))) {
                return null; // the classes are here, the native library is not (or not for this OS/CPU)
            }
            Method newFactory = Class.forName(pkg + "." + prefix + "IoHandler", true, loader).getMethod("newFactory");
            Class<? extends SocketChannel> socket =
                    Class.forName(pkg + "." + prefix + "SocketChannel", false, loader).asSubclass(SocketChannel.class);
            Class<? extends ServerSocketChannel> server = Class.forName(pkg + "." + prefix + "ServerSocketChannel",
                    false, loader).asSubclass(ServerSocketChannel.class);
            Supplier<IoHandlerFactory> factory = () -> invokeFactory(newFactory);
            factory.get(); // fail here, not at the first group, if the factory cannot be made
            return new Transport(candidate.name(), true, factory, socket, server, new ReflectiveChannelFactory<>(socket));
        } catch (ReflectiveOperationException | LinkageError | ClassCastException | IllegalStateException e) {
            return null; // absent or unusable: fall through to the next candidate, finally NIO
        }
    }

    private static IoHandlerFactory invokeFactory(Method newFactory) {
        try {
            return (IoHandlerFactory) newFactory.invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + newFactory.getDeclaringClass().getName()
                    + " factory: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot create " + newFactory.getDeclaringClass().getName() + " factory", e);
        }
    }
}
