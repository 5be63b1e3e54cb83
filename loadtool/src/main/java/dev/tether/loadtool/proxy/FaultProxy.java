package dev.tether.loadtool.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A small fault-injecting TCP proxy: accepts connections on a local port, connects each one to the target, relays
 * bytes both ways, and injects the faults of a {@link FaultSpec} on schedule (cut, stall, delay), so a load run
 * sees reconnects while traffic flows, without root or a firewall.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.builder()
 *         .target(new InetSocketAddress("127.0.0.1", 7000))
 *         .faults(FaultSpec.parse("cut every 5s"))
 *         .start()) {
 *     // point clients at proxy.address()
 *     System.out.println(proxy.stats());
 * }
 * }</pre>
 *
 * <p>Each accepted connection and its upstream share one event loop; reading from a side stops while the other
 * side cannot take more (Netty's writability) or while more than {@link #DEFAULT_MAX_HELD_BYTES} wait in a stall
 * or a delay, so a slow or stalled peer fills kernel buffers, not the heap. Every buffer read is written once or
 * released once. Time (fault schedule, delays) comes from a {@link FaultClock} handed in.
 */
public final class FaultProxy implements AutoCloseable {
    /** Bytes held per direction of one connection (during a stall or a delay) before the proxy stops reading that side. */
    public static final int DEFAULT_MAX_HELD_BYTES = 256 * 1024;
    /** How long the proxy waits for the target to accept each connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final InetSocketAddress target;
    private final FaultSpec spec;
    private final EventLoopGroup group;
    private final FaultClock clock;
    private final Random random;
    private final Consumer<String> onFault;
    private final int maxHeldBytes;
    private final Channel server;
    private final long startNanos;

    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder upstreamFailures = new LongAdder();
    private final LongAdder bytesToTarget = new LongAdder();
    private final LongAdder bytesFromTarget = new LongAdder();
    private final LongAdder connectionsCut = new LongAdder();
    private final Map<String, LongAdder> injected = new LinkedHashMap<>();
    private final AtomicInteger stallDepth = new AtomicInteger();
    private final Fault.Target connections = new Connections();
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private FaultProxy(Builder b) {
        this.target = Objects.requireNonNull(b.target, "target");
        this.spec = b.spec;
        this.random = b.random;
        this.onFault = b.onFault;
        this.maxHeldBytes = b.maxHeldBytes;
        for (FaultSpec.Rule r : spec.rules()) {
            injected.putIfAbsent(r.fault().name(), new LongAdder());
        }
        this.group = new MultiThreadIoEventLoopGroup(b.ioThreads, new DefaultThreadFactory("loadtool-proxy", true),
                NioIoHandler.newFactory());
        this.clock = b.clock != null ? b.clock : FaultClock.on(group);
        ServerBootstrap sb = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Nothing is read from a client until its upstream is connected.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        try {
            this.server = sb.bind(b.listen).syncUninterruptibly().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException(new IOException("cannot listen on " + hostPort(b.listen) + ": " + e.getMessage(), e));
        }
        this.startNanos = clock.nanoTime();
        for (FaultSpec.Rule r : spec.rules()) {
            arm(r, r.when().first().toNanos());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the proxy listens: point clients here. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Where the proxy relays to. */
    public InetSocketAddress target() {
        return target;
    }

    /** The faults it injects. */
    public FaultSpec spec() {
        return spec;
    }

    /** Counts so far; see {@link ProxyStats}. */
    public ProxyStats stats() {
        Map<String, Long> faults = new LinkedHashMap<>();
        injected.forEach((k, v) -> faults.put(k, v.sum()));
        return new ProxyStats(accepted.sum(), links.size(), upstreamFailures.sum(), bytesToTarget.sum(), bytesFromTarget.sum(),
                faults, connectionsCut.sum());
    }

    /** Sides of connected links that are not being read now (backpressure or too much held); for tests. */
    int sidesNotReading() {
        int n = 0;
        for (Link l : links) {
            Channel upstream = l.upstream;
            if (upstream != null) {
                n += (l.client.config().isAutoRead() ? 0 : 1) + (upstream.config().isAutoRead() ? 0 : 1);
            }
        }
        return n;
    }

    /** Stops listening, closes every connection and the proxy's threads; no more faults strike. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.close().syncUninterruptibly();
        for (Link l : links) {
            l.execute(() -> l.closeBoth(false));
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ---- the schedule ----

    private void arm(FaultSpec.Rule rule, long atNanos) {
        clock.schedule(() -> strike(rule, atNanos), startNanos + atNanos - clock.nanoTime());
    }

    private void strike(FaultSpec.Rule rule, long atNanos) {
        if (closed.get()) {
            return;
        }
        String what = rule.fault().inject(connections);
        injected.get(rule.fault().name()).increment();
        report(atNanos, what);
        Duration period = rule.when().period();
        if (period != null) {
            arm(rule, atNanos + period.toNanos());
        }
    }

    private void report(long atNanos, String what) {
        onFault.accept(String.format(Locale.ROOT, "[%6.1fs] %s", atNanos / 1e9, what));
    }

    private boolean stalled() {
        return stallDepth.get() > 0;
    }

    /** The faults' view of the proxy. */
    private final class Connections implements Fault.Target {
        @Override
        public int cutAll() {
            int n = 0;
            for (Link l : links) {
                l.execute(() -> l.closeBoth(true));
                n++;
            }
            connectionsCut.add(n);
            return n;
        }

        @Override
        public int stall(Duration duration) {
            stallDepth.incrementAndGet();
            long endsAt = clock.nanoTime() + duration.toNanos();
            clock.schedule(() -> endStall(endsAt), duration.toNanos());
            return links.size();
        }

        private void endStall(long atNanos) {
            if (stallDepth.decrementAndGet() == 0 && !closed.get()) {
                for (Link l : links) {
                    l.execute(l::resume);
                }
                report(atNanos - startNanos, "stall over: relaying again");
            }
        }

        @Override
        public void delay(Duration latency, Duration jitter) {
            jitterNanos = jitter.toNanos();
            latencyNanos = latency.toNanos();
        }
    }

    // ---- the relay ----

    private void accept(SocketChannel client) {
        if (closed.get()) {
            client.close();
            return;
        }
        accepted.increment();
        Link link = new Link(client);
        links.add(link);
        client.closeFuture().addListener(f -> links.remove(link));
        client.pipeline().addLast(link.up);
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) DEFAULT_CONNECT_TIMEOUT.toMillis())
                .handler(link.down)
                .connect(target)
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        link.connected(f.channel());
                    } else {
                        upstreamFailures.increment();
                        link.closeBoth(true); // as a refused port looks to a client: a reset
                    }
                });
    }

    /** One client connection and its connection to the target; all of it runs on the client's event loop. */
    private final class Link {
        final Channel client;
        volatile Channel upstream;
        final Pipe up = new Pipe(bytesToTarget);
        final Pipe down = new Pipe(bytesFromTarget);

        Link(Channel client) {
            this.client = client;
            up.source = client;
            down.sink = client;
            up.other = down;
            down.other = up;
        }

        void execute(Runnable task) {
            try {
                client.eventLoop().execute(task);
            } catch (RejectedExecutionException closing) {
                // The loop is shutting down and closes the channels itself.
            }
        }

        void connected(Channel upstream) {
            this.upstream = upstream;
            up.sink = upstream;
            down.source = upstream;
            if (!client.isActive()) {
                upstream.close();
                return;
            }
            up.updateReading();
            down.updateReading();
        }

        void resume() {
            up.drain();
            down.drain();
        }

        /** Closes both sides now, dropping what is held; with {@code reset}, an RST instead of a FIN. */
        void closeBoth(boolean reset) {
            for (Channel ch : new Channel[] {client, upstream}) {
                if (ch != null && ch.isOpen()) {
                    if (reset) {
                        try {
                            ch.config().setOption(ChannelOption.SO_LINGER, 0);
                        } catch (RuntimeException alreadyClosing) {
                            // A FIN then; the close below still happens.
                        }
                    }
                    ch.close();
                }
            }
            up.release();
            down.release();
        }
    }

    /** One direction of a link: reads from {@code source}, holds for stalls and delays, writes to {@code sink}. */
    private final class Pipe extends ChannelInboundHandlerAdapter {
        private final LongAdder counted;
        private final ArrayDeque<Held> held = new ArrayDeque<>();
        Channel source;
        Channel sink;
        Pipe other;
        private long heldBytes;
        private long lastDue;
        private boolean drainScheduled;
        private boolean sourceDone;
        private boolean flushPending;

        Pipe(LongAdder counted) {
            this.counted = counted;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            counted.add(buf.readableBytes());
            if (sink == null || !sink.isActive()) {
                buf.release();
                return;
            }
            long latency = latencyNanos;
            if (held.isEmpty() && latency == 0 && !stalled()) {
                sink.write(buf);
                flushPending = true;
                return;
            }
            long due = Math.max(lastDue, clock.nanoTime() + latency + jitter());
            lastDue = due;
            held.add(new Held(buf, due));
            heldBytes += buf.readableBytes();
            drain();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending && sink != null) {
                flushPending = false;
                sink.flush();
            }
            updateReading();
        }

        /** Writes what is due, unless stalled; schedules the next due chunk; closes the sink once the source is done. */
        void drain() {
            if (stalled() || sink == null) {
                return;
            }
            long now = clock.nanoTime();
            boolean wrote = false;
            while (!held.isEmpty() && held.peek().due <= now) {
                Held h = held.poll();
                heldBytes -= h.buf.readableBytes();
                sink.write(h.buf);
                wrote = true;
            }
            if (wrote) {
                sink.flush();
            }
            if (!held.isEmpty() && !drainScheduled) {
                drainScheduled = true;
                Channel loopOwner = source;
                clock.schedule(() -> {
                    try {
                        loopOwner.eventLoop().execute(() -> {
                            drainScheduled = false;
                            drain();
                        });
                    } catch (RejectedExecutionException closing) {
                        // Shutting down: the channels' close releases what is held.
                    }
                }, held.peek().due - now);
            }
            if (held.isEmpty() && sourceDone) {
                closeSinkWhenFlushed();
            }
            updateReading();
        }

        /** Reads from the source only while the sink can take more and not too much is held. */
        void updateReading() {
            if (source != null && source.isActive()) {
                boolean read = sink != null && sink.isWritable() && heldBytes < maxHeldBytes;
                if (source.config().isAutoRead() != read) {
                    source.config().setAutoRead(read);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            other.updateReading(); // this channel is the other pipe's sink
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The source closed: what it sent still goes out (after a stall or delay), then the sink closes too.
            // Nothing can reach the source any more, so what the other direction holds is dropped.
            sourceDone = true;
            other.release();
            if (held.isEmpty()) {
                closeSinkWhenFlushed();
            } else {
                drain();
            }
        }

        private void closeSinkWhenFlushed() {
            if (sink != null && sink.isOpen()) {
                sink.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets are what this proxy is for; the close travels on through channelInactive
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        void release() {
            for (Held h; (h = held.poll()) != null; ) {
                h.buf.release();
            }
            heldBytes = 0;
        }

        private long jitter() {
            long j = jitterNanos;
            return j == 0 ? 0 : (long) (random.nextDouble() * j);
        }
    }

    private record Held(ByteBuf buf, long due) {
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Configures a {@link FaultProxy}; {@link #start()} binds it. */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private InetSocketAddress target;
        private FaultSpec spec = FaultSpec.NONE;
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Consumer<String> onFault = line -> { };
        private FaultClock clock;
        private Random random = new Random();
        private int maxHeldBytes = DEFAULT_MAX_HELD_BYTES;

        private Builder() {
        }

        /** Where to listen; default the loopback address and a free port. */
        public Builder listen(InetSocketAddress listen) {
            this.listen = Objects.requireNonNull(listen, "listen");
            return this;
        }

        /** Where to relay to; required. */
        public Builder target(InetSocketAddress target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** The faults to inject; default {@link FaultSpec#NONE} (a plain relay). */
        public Builder faults(FaultSpec spec) {
            this.spec = Objects.requireNonNull(spec, "faults");
            return this;
        }

        /** Event-loop threads relaying bytes; default the number of processors. */
        public Builder ioThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1: " + n);
            }
            this.ioThreads = n;
            return this;
        }

        /** Told, with the time since the start, each time a fault strikes or a stall ends; default nobody. */
        public Builder onFault(Consumer<String> listener) {
            this.onFault = Objects.requireNonNull(listener, "listener");
            return this;
        }

        Builder clock(FaultClock clock) {
            this.clock = clock;
            return this;
        }

        Builder random(Random random) {
            this.random = random;
            return this;
        }

        Builder maxHeldBytes(int bytes) {
            this.maxHeldBytes = bytes;
            return this;
        }

        /**
         * Binds and starts the schedule.
         *
         * @throws UncheckedIOException when the address cannot be bound
         */
        public FaultProxy start() {
            return new FaultProxy(this);
        }
    }
}
