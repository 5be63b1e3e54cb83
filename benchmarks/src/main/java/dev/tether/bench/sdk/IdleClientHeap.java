package dev.tether.bench.sdk;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ConnectionState;
import dev.tether.client.TetherClient;
import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Heap per idle connected client: connects N clients (the SDK's {@code TetherClient}s on one
 * {@code ClientResources}, or bare Netty channels with the same codec that only do the handshake) to an
 * {@link EchoServer} in another process, waits until all are connected, collects garbage and divides
 * the heap growth by N.
 *
 * <pre>java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.IdleClientHeap sdk|bare [clients=10000] [port=7400] [sourceAddresses=1]</pre>
 *
 * With {@code sourceAddresses} > 1 the clients bind 127.0.0.1, 127.0.0.2, ... in turn, for more
 * source ports than one address offers.
 */
public final class IdleClientHeap {
    private IdleClientHeap() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "sdk";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 7400;
        int sources = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        InetAddress[] source = new InetAddress[sources];
        for (int i = 0; i < sources; i++) {
            source[i] = InetAddress.getByName("127.0.0." + (i + 1));
        }

        if (mode.equals("sdk")) {
            sdk(n, port, source);
        } else {
            bare(n, port, source);
        }
    }

    private static void sdk(int n, int port, InetAddress[] source) throws Exception {
        try (ClientResources resources = ClientResources.create(2)) {
            ClientConfig base = ClientConfig.builder().endpoint("127.0.0.1", port).build();
            warmUpSdk(resources, base);
            long before = usedHeapAfterGc();
            List<TetherClient> clients = new ArrayList<>(n);
            List<CompletableFuture<Void>> connects = new ArrayList<>(n);
            ClientConfig[] configs = new ClientConfig[source.length];
            for (int i = 0; i < source.length; i++) {
                configs[i] = base.toBuilder().localAddress(source.length > 1 ? source[i] : null).build();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                TetherClient c = TetherClient.builder().config(configs[i % configs.length]).resources(resources).build();
                clients.add(c);
                connects.add(c.connect());
                if (i % 1000 == 999) {
                    CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    connects.clear();
                }
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long connectMillis = (System.nanoTime() - t0) / 1_000_000;
            long connected = clients.stream().filter(c -> c.state() == ConnectionState.CONNECTED).count();
            long after = usedHeapAfterGc();
            report("sdk", n, connected, before, after, connectMillis);
            List<CompletableFuture<Void>> closes = new ArrayList<>(n);
            for (TetherClient c : clients) {
                closes.add(c.closeAsync());
            }
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
    }

    private static void warmUpSdk(ClientResources resources, ClientConfig config) throws Exception {
        for (int i = 0; i < 200; i++) {
            TetherClient c = TetherClient.builder().config(config).resources(resources).build();
            c.connect().get(10, TimeUnit.SECONDS);
            try {
                c.request(new byte[8]).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // Seen when the echo server runs from a jar rebuilt after it started: see EchoServer's class doc.
                throw new IllegalStateException("warm-up request to the echo server failed (its stderr says why;"
                        + " start it from a copy of the jar if that is rebuilt meanwhile): " + e.getCause(), e);
            } finally {
                c.close();
            }
        }
    }

    /** One permit per WELCOME received by a bare channel. */
    private static final Semaphore WELCOMES = new Semaphore(0);

    /** The bare-Netty baseline: the same transport, options and codec; a handler that only says hello. */
    private static void bare(int n, int port, InetAddress[] source) throws Exception {
        Transport transport = Transport.preferred();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, transport.ioHandlerFactory());
        try {
            BareHandler handler = new BareHandler();
            Bootstrap b = new Bootstrap().group(group)
                    .channel(transport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, handler);
                        }
                    });
            InetSocketAddress remote = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < 200; i++) { // warm-up
                Channel ch = b.connect(remote).channel();
                awaitWelcomes(1);
                ch.close().sync();
            }
            long before = usedHeapAfterGc();
            List<Channel> channels = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                InetSocketAddress local = source.length > 1 ? new InetSocketAddress(source[i % source.length], 0) : null;
                channels.add(local == null ? b.connect(remote).channel() : b.connect(remote, local).channel());
                if (i % 1000 == 999) {
                    awaitWelcomes(1000);
                }
            }
            awaitWelcomes(n % 1000);
            long connectMillis = (System.nanoTime() - t0) / 1_000_000;
            long connected = channels.stream().filter(Channel::isActive).count();
            long after = usedHeapAfterGc();
            report("bare", n, connected, before, after, connectMillis);
            for (Channel ch : channels) {
                ch.close();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void awaitWelcomes(int count) throws InterruptedException {
        if (!WELCOMES.tryAcquire(count, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("handshakes did not complete within 60 s");
        }
    }

    @ChannelHandler.Sharable
    static final class BareHandler extends SimpleChannelInboundHandler<Message> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Hello(30_000, "", null));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message m) {
            if (m instanceof Welcome) {
                WELCOMES.release();
            }
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void report(String mode, int n, long connected, long before, long after, long connectMillis) {
        double perClient = (after - before) / (double) n;
        System.out.printf("%s: clients=%d connected=%d heapBefore=%.1f MiB heapAfter=%.1f MiB perClient=%.0f bytes (%.2f KiB) connectTime=%d ms%n",
                mode, n, connected, before / 1048576.0, after / 1048576.0, perClient, perClient / 1024, connectMillis);
    }
}
