package dev.tether.bench.server;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A small raw-Netty load driver for the server benchmarks, speaking the protocol with the SDK's codec.
 *
 * <pre>
 * java -cp benchmarks.jar dev.tether.bench.server.EchoLoad echo       port=7001 connections=32 window=16 size=64 warmup=5 duration=10 threads=1
 * java -cp benchmarks.jar dev.tether.bench.server.EchoLoad handshakes port=7001 concurrency=32 warmup=2 duration=5
 * java -cp benchmarks.jar dev.tether.bench.server.EchoLoad idle       port=7001 connections=10000
 * </pre>
 *
 * <p>echo: each connection keeps {@code window} requests outstanding (closed loop); latency is from the
 * write of a request to the read of its response. handshakes: {@code concurrency} loops of connect, HELLO,
 * WELCOME, close (RST, so no TIME_WAIT piles up). idle: opens and welcomes {@code connections}, then holds
 * them until stdin closes.
 */
public final class EchoLoad {
    private final Map<String, String> opts;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final AtomicBoolean running = new AtomicBoolean(true);

    EchoLoad(Map<String, String> opts) {
        this.opts = opts;
        Transport transport = Transport.preferred();
        group = new MultiThreadIoEventLoopGroup(intOpt("threads", 1), transport.ioHandlerFactory());
        bootstrap = new Bootstrap().group(group).channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(opts.getOrDefault("host", "127.0.0.1"), intOpt("port", 7001));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        EchoLoad load = new EchoLoad(opts);
        try {
            switch (args[0]) {
                case "echo" -> load.echo();
                case "handshakes" -> load.handshakes();
                case "idle" -> load.idle();
                default -> throw new IllegalArgumentException("mode must be echo, handshakes or idle: " + args[0]);
            }
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    int intOpt(String name, int def) {
        return Integer.parseInt(opts.getOrDefault(name, String.valueOf(def)));
    }

    // ---- echo ----

    void echo() throws Exception {
        int connections = intOpt("connections", 32);
        int window = intOpt("window", 16);
        byte[] payload = new byte[intOpt("size", 64)];
        Recorder latency = new Recorder(3);
        AtomicLong done = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(connections);
        Channel[] channels = new Channel[connections];
        for (int i = 0; i < connections; i++) {
            channels[i] = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE,
                            new EchoConnection(window, payload, latency, done, ready, running));
                }
            }).connect().sync().channel();
        }
        if (!ready.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("not every connection was welcomed");
        }
        Thread.sleep(intOpt("warmup", 5) * 1000L);
        latency.reset();
        long start = System.nanoTime();
        long before = done.get();
        Thread.sleep(intOpt("duration", 10) * 1000L);
        long count = done.get() - before;
        Histogram h = latency.getIntervalHistogram();
        double secs = (System.nanoTime() - start) / 1e9;
        running.set(false);
        System.out.printf(Locale.ROOT, "echo connections=%d window=%d size=%d: %.0f req/s, latency us p50=%d p99=%d p99.9=%d max=%d; total=%d%n",
                connections, window, payload.length, count / secs, h.getValueAtPercentile(50) / 1000,
                h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000, done.get());
        for (Channel c : channels) {
            c.close();
        }
    }

    static final class EchoConnection extends ChannelInboundHandlerAdapter {
        private final int window;
        private final byte[] payload;
        private final Recorder latency;
        private final AtomicLong done;
        private final CountDownLatch ready;
        private final AtomicBoolean running;
        private final long[] sentAt;
        private long nextId = 1;

        EchoConnection(int window, byte[] payload, Recorder latency, AtomicLong done, CountDownLatch ready, AtomicBoolean running) {
            this.window = window;
            this.payload = payload;
            this.latency = latency;
            this.done = done;
            this.ready = ready;
            this.running = running;
            this.sentAt = new long[window];
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Hello(30_000, "echo-load", null));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Message m = (Message) msg;
            if (m instanceof Welcome) {
                ready.countDown();
                for (int i = 0; i < window; i++) {
                    send(ctx);
                }
            } else if (m instanceof Response r) {
                latency.recordValue(System.nanoTime() - sentAt[(int) (r.id() % window)]);
                done.incrementAndGet();
                if (running.get()) {
                    send(ctx);
                }
            }
        }

        private void send(ChannelHandlerContext ctx) {
            long id = nextId++;
            sentAt[(int) (id % window)] = System.nanoTime();
            ctx.write(new Request(id, payload), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // ---- handshakes ----

    void handshakes() throws Exception {
        int concurrency = intOpt("concurrency", 32);
        AtomicLong welcomed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Bootstrap b = bootstrap.clone().option(ChannelOption.SO_LINGER, 0).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(new Hello(30_000, "hs", null));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Welcome) {
                            welcomed.incrementAndGet();
                        }
                        ctx.close();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        });
        for (int i = 0; i < concurrency; i++) {
            loop(b, failed);
        }
        Thread.sleep(intOpt("warmup", 2) * 1000L);
        long before = welcomed.get();
        long start = System.nanoTime();
        Thread.sleep(intOpt("duration", 5) * 1000L);
        long count = welcomed.get() - before;
        double secs = (System.nanoTime() - start) / 1e9;
        running.set(false);
        System.out.printf(Locale.ROOT, "handshakes concurrency=%d: %.0f handshakes/s (%d failed connects); total=%d%n", concurrency, count / secs,
                failed.get(), welcomed.get());
    }

    private void loop(Bootstrap b, AtomicLong failed) {
        if (!running.get()) {
            return;
        }
        b.connect().addListener((io.netty.channel.ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                failed.incrementAndGet();
                f.channel().eventLoop().schedule(() -> loop(b, failed), 10, TimeUnit.MILLISECONDS);
                return;
            }
            f.channel().closeFuture().addListener(x -> loop(b, failed));
        });
    }

    // ---- idle ----

    void idle() throws Exception {
        int connections = intOpt("connections", 10_000);
        Semaphore inFlight = new Semaphore(256);
        CountDownLatch welcomed = new CountDownLatch(connections);
        Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(new Hello(30_000, "idle", null));
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Welcome) {
                            inFlight.release();
                            welcomed.countDown();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        });
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            b.connect();
        }
        if (!welcomed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException((connections - welcomed.getCount()) + " of " + connections + " welcomed");
        }
        System.out.println("idle: " + connections + " connections open and welcomed; holding until stdin closes");
        while (System.in.read() >= 0) {
            // hold
        }
    }
}
