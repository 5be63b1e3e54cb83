package dev.tether.bench.sdk;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import dev.tether.client.netty.Transport;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU per connect from one chosen source address, with and without epoll's {@code IP_BIND_ADDRESS_NO_PORT} (what
 * the SDK's dialer sets when a client has a local address): N connections from 127.0.0.2 to one port, in steps,
 * printing the process CPU time per connect of each step. The connections are held, so the source ports fill up
 * as in a real ramp. The server holds its sockets in another process (one process may hold 20,000 files here).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.SourcePortConnect server 7300 &
 * java -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.SourcePortConnect connect 7300 19000 on|off
 * </pre>
 */
public final class SourcePortConnect {
    private static final int STEP = 2_000;
    private static final int IN_FLIGHT = 100;
    /** No handler of our own: the sockets are only held. */
    private static final ChannelInitializer<Channel> NOTHING = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        Transport transport = Transport.preferred();
        if (!transport.name().equals("epoll")) {
            throw new IllegalStateException("needs the epoll transport, found " + transport);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            if (args[0].equals("server")) {
                Channel server = new ServerBootstrap().group(group).channel(transport.serverSocketChannelClass())
                        .option(ChannelOption.SO_BACKLOG, 4096).option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.AUTO_READ, false) // held, never read: the client closes with RST
                        .childHandler(NOTHING)
                        .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
                System.out.println("holding connections on 127.0.0.1:" + port);
                server.closeFuture().sync();
                return;
            }
            connect(group, transport, port, Integer.parseInt(args[2]), args[3].equals("on"));
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    private static void connect(EventLoopGroup group, Transport transport, int port, int total, boolean noPort) throws Exception {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0);
        Bootstrap b = new Bootstrap().group(group).channel(transport.socketChannelClass())
                .option(ChannelOption.SO_LINGER, 0) // close with RST: no TIME_WAIT left to disturb the next run
                .handler(NOTHING);
        if (noPort) {
            b.option(ChannelOption.<Boolean>valueOf("IP_BIND_ADDRESS_NO_PORT"), true); // EpollChannelOption's, by name
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Channel> held = new ArrayList<>(total);
        List<ChannelFuture> window = new ArrayList<>(IN_FLIGHT);
        long cpu = os.getProcessCpuTime();
        long cpuStart = cpu;
        long wall = System.nanoTime();
        long wallStart = wall;
        int failed = 0;
        for (int i = 1; i <= total; i++) {
            window.add(b.connect(target, source));
            if (window.size() == IN_FLIGHT || i == total) {
                for (ChannelFuture f : window) {
                    f.awaitUninterruptibly();
                    if (f.isSuccess()) {
                        held.add(f.channel());
                    } else if (failed++ == 0) {
                        System.out.println("first failure: " + f.cause());
                    }
                }
                window.clear();
            }
            if (i % STEP == 0 || i == total) {
                int n = i % STEP == 0 ? STEP : i % STEP;
                long nowCpu = os.getProcessCpuTime();
                long nowWall = System.nanoTime();
                System.out.printf(Locale.ROOT, "%s %6d connections: %7.0f us CPU per connect, %7.0f us wall%n",
                        noPort ? "IP_BIND_ADDRESS_NO_PORT" : "bind-then-connect", i, (nowCpu - cpu) / 1e3 / n,
                        (nowWall - wall) / 1e3 / n);
                cpu = nowCpu;
                wall = nowWall;
            }
        }
        System.out.printf(Locale.ROOT, "%s total: %d connected, %d failed, %.2f s CPU, %.2f s wall%n",
                noPort ? "IP_BIND_ADDRESS_NO_PORT" : "bind-then-connect", held.size(), failed,
                (os.getProcessCpuTime() - cpuStart) / 1e9, (System.nanoTime() - wallStart) / 1e9);
        for (Channel c : held) {
            c.close();
        }
        for (Channel c : held) {
            c.closeFuture().awaitUninterruptibly();
        }
    }
}
