package dev.tether.bench.sdk;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.TetherClient;
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
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Request throughput and latency of the SDK against bare Netty clients with the same codec, transport,
 * socket options and one event-loop thread, against the same {@link EchoServer} (another process),
 * side by side in one JVM: rounds rotate which client goes first. Two baselines: {@code bare} flushes
 * every request (the naive client), {@code bare+fc} adds Netty's {@code FlushConsolidationHandler} as the
 * SDK does, so it measures only the SDK's own overhead. Closed loop: each connection keeps
 * {@code depth} requests in flight and sends the next one from the response callback (on the event
 * loop, for both clients).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.RequestThroughput [port=7400] [connections=4] [depth=32] [payloadBytes=64] [seconds=5] [rounds=5]</pre>
 */
public final class RequestThroughput {
    private RequestThroughput() {
    }

    /**
     * @param cpuNanosPerRequest CPU time of the client's event-loop thread per completed request: unlike
     *     throughput, barely affected by other processes competing for the cores
     */
    record Result(String client, double perSecond, double cpuNanosPerRequest, Histogram latency) {
        @Override
        public String toString() {
            return String.format("%-7s %,10.0f req/s  %5.2f us CPU/req  p50 %7.1f us  p99 %8.1f us  p99.9 %8.1f us",
                    client, perSecond, cpuNanosPerRequest / 1000.0, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    static long threadId(java.util.concurrent.Executor loop) throws Exception {
        CompletableFuture<Long> id = new CompletableFuture<>();
        loop.execute(() -> id.complete(Thread.currentThread().getId()));
        return id.get(10, TimeUnit.SECONDS);
    }

    interface Driver {
        Result run(int seconds) throws Exception;

        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int port = arg(args, 0, 7400);
        int connections = arg(args, 1, 4);
        int depth = arg(args, 2, 32);
        int payloadBytes = arg(args, 3, 64);
        int seconds = arg(args, 4, 5);
        int rounds = arg(args, 5, 5);
        byte[] payload = new byte[payloadBytes];
        System.out.printf("connections=%d depth=%d payload=%d B, %d s per run, %d rounds%n", connections, depth,
                payloadBytes, seconds, rounds);

        List<Driver> drivers = List.of(new SdkDriver(port, connections, depth, payload),
                new BareDriver("bare", false, port, connections, depth, payload),
                new BareDriver("bare+fc", true, port, connections, depth, payload));
        List<List<Result>> results = new ArrayList<>();
        for (Driver d : drivers) {
            System.out.println("warm-up: " + d.run(3));
            results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < drivers.size(); k++) { // rotate the order so no client always goes first
                int i = (k + r) % drivers.size();
                Result res = drivers.get(i).run(seconds);
                results.get(i).add(res);
                System.out.println("round " + (r + 1) + ": " + res);
            }
        }
        List<Result> sdkResults = results.get(0);
        for (int i = 1; i < drivers.size(); i++) {
            List<Result> bareResults = results.get(i);
            String name = bareResults.get(0).client();
            double sdkMedian = median(sdkResults.stream().mapToDouble(Result::perSecond).toArray());
            double bareMedian = median(bareResults.stream().mapToDouble(Result::perSecond).toArray());
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratios[r] = sdkResults.get(r).perSecond() / bareResults.get(r).perSecond();
            }
            System.out.printf("%n--- sdk vs %s%n", name);
            System.out.printf("median throughput: sdk %,.0f req/s, %s %,.0f req/s, sdk/%s = %.1f%%%n", sdkMedian, name,
                    bareMedian, name, 100 * sdkMedian / bareMedian);
            System.out.printf("median of the per-round ratios (same round): %.1f%% (min %.1f%%, max %.1f%%)%n",
                    100 * median(ratios), 100 * Arrays.stream(ratios).min().orElse(0),
                    100 * Arrays.stream(ratios).max().orElse(0));
            double sdkCpu = median(sdkResults.stream().mapToDouble(Result::cpuNanosPerRequest).toArray());
            double bareCpu = median(bareResults.stream().mapToDouble(Result::cpuNanosPerRequest).toArray());
            System.out.printf("median client CPU per request: sdk %.2f us, %s %.2f us, %s/sdk = %.1f%%%n", sdkCpu / 1000,
                    name, bareCpu / 1000, name, 100 * bareCpu / sdkCpu);
            for (double p : new double[] {50, 99, 99.9}) {
                System.out.printf("median p%s latency: sdk %.1f us, %s %.1f us%n", p,
                        median(sdkResults.stream().mapToDouble(x -> x.latency().getValueAtPercentile(p) / 1000.0).toArray()),
                        name,
                        median(bareResults.stream().mapToDouble(x -> x.latency().getValueAtPercentile(p) / 1000.0).toArray()));
            }
        }
        for (Driver d : drivers) {
            d.close();
        }
    }

    private static int arg(String[] args, int i, int def) {
        return args.length > i ? Integer.parseInt(args[i]) : def;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The SDK: TetherClients on a one-thread ClientResources. */
    static final class SdkDriver implements Driver {
        private final ClientResources resources = ClientResources.create(1);
        private final List<TetherClient> clients = new ArrayList<>();
        private final int depth;
        private final byte[] payload;
        private volatile boolean running;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final LongAdder completed = new LongAdder();
        private Histogram histogram; // recorded on the single event-loop thread only

        SdkDriver(int port, int connections, int depth, byte[] payload) throws Exception {
            this.depth = depth;
            this.payload = payload;
            ClientConfig config = ClientConfig.builder().endpoint("127.0.0.1", port).build();
            // one I/O thread: every client lives on it; state listeners run on it by default
            CompletableFuture<Long> id = new CompletableFuture<>();
            for (int i = 0; i < connections; i++) {
                TetherClient c = TetherClient.builder().config(config).resources(resources)
                        .onStateChange(change -> id.complete(Thread.currentThread().getId())).build();
                c.connect().get(10, TimeUnit.SECONDS);
                clients.add(c);
            }
            loopThread = id.get(10, TimeUnit.SECONDS);
        }

        private final long loopThread;

        @Override
        public Result run(int seconds) throws Exception {
            histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            completed.reset();
            running = true;
            long cpu0 = THREADS.getThreadCpuTime(loopThread);
            long t0 = System.nanoTime();
            for (TetherClient c : clients) {
                for (int i = 0; i < depth; i++) {
                    issue(c);
                }
            }
            Thread.sleep(seconds * 1000L);
            running = false;
            long n = completed.sum();
            long elapsed = System.nanoTime() - t0;
            drain(inFlight);
            double cpu = (THREADS.getThreadCpuTime(loopThread) - cpu0) / (double) completed.sum();
            return new Result("sdk", n * 1e9 / elapsed, cpu, histogram);
        }

        private void issue(TetherClient c) {
            inFlight.incrementAndGet();
            long start = System.nanoTime();
            c.request(payload).whenComplete((r, t) -> {
                histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
                completed.increment();
                inFlight.decrementAndGet();
                if (t != null) {
                    System.err.println("request failed: " + t);
                } else if (running) {
                    issue(c);
                }
            });
        }

        @Override
        public void close() {
            clients.forEach(TetherClient::close);
            resources.close();
        }
    }

    /** Bare Netty: the same codec, transport and options, a handler that correlates by id. */
    static final class BareDriver implements Driver {
        private final EventLoopGroup group;
        private final List<Channel> channels = new ArrayList<>();
        private final int depth;
        private final byte[] payload;
        private volatile boolean running;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final LongAdder completed = new LongAdder();
        private Histogram histogram;

        private final String name;

        BareDriver(String name, boolean consolidateFlushes, int port, int connections, int depth, byte[] payload)
                throws Exception {
            this.name = name;
            this.depth = depth;
            this.payload = payload;
            Transport transport = Transport.preferred();
            group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
            Bootstrap b = new Bootstrap().group(group)
                    .channel(transport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
            for (int i = 0; i < connections; i++) {
                CompletableFuture<Void> welcomed = new CompletableFuture<>();
                Channel ch = b.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (consolidateFlushes) { // what the SDK does: one flush per read batch
                            ch.pipeline().addLast(new FlushConsolidationHandler(
                                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false));
                        }
                        ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, new Requester(welcomed));
                    }
                }).connect("127.0.0.1", port).sync().channel();
                welcomed.get(10, TimeUnit.SECONDS);
                channels.add(ch);
            }
            loopThread = threadId(channels.get(0).eventLoop());
        }

        private final long loopThread;

        @Override
        public Result run(int seconds) throws Exception {
            histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            completed.reset();
            running = true;
            long cpu0 = THREADS.getThreadCpuTime(loopThread);
            long t0 = System.nanoTime();
            for (Channel ch : channels) {
                ch.eventLoop().execute(() -> {
                    Requester r = ch.pipeline().get(Requester.class);
                    for (int i = 0; i < depth; i++) {
                        r.issue(ch);
                    }
                });
            }
            Thread.sleep(seconds * 1000L);
            running = false;
            long n = completed.sum();
            long elapsed = System.nanoTime() - t0;
            drain(inFlight);
            double cpu = (THREADS.getThreadCpuTime(loopThread) - cpu0) / (double) completed.sum();
            return new Result(name, n * 1e9 / elapsed, cpu, histogram);
        }

        @Override
        public void close() throws Exception {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }

        final class Requester extends SimpleChannelInboundHandler<Message> {
            private final CompletableFuture<Void> welcomed;
            private final long[] starts = new long[1024];
            private long nextId = 1;

            Requester(CompletableFuture<Void> welcomed) {
                this.welcomed = welcomed;
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(new Hello(30_000, "", null));
            }

            void issue(Channel ch) {
                inFlight.incrementAndGet();
                long id = nextId++;
                starts[(int) (id & 1023)] = System.nanoTime();
                ch.writeAndFlush(new Request(id, payload), ch.voidPromise());
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Message m) {
                if (m instanceof Response r) {
                    long start = starts[(int) (r.id() & 1023)];
                    histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
                    completed.increment();
                    inFlight.decrementAndGet();
                    if (running) {
                        issue(ctx.channel());
                    }
                } else if (m instanceof Welcome) {
                    welcomed.complete(null);
                }
            }
        }
    }

    private static void drain(AtomicInteger inFlight) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
