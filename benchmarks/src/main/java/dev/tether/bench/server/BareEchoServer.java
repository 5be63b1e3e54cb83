package dev.tether.bench.server;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline the reference server is measured against: a bare Netty server with the same frame codec,
 * the same transport and the same number of event loops, that answers a hello with a welcome, a ping with
 * a pong and echoes requests, and nothing else (no registry, no timeouts, no limits, no counters).
 *
 * <pre>java -cp benchmarks.jar dev.tether.bench.server.BareEchoServer [port] [ioThreads]</pre>
 */
public final class BareEchoServer implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    public BareEchoServer(String host, int port, int ioThreads) {
        Transport transport = Transport.preferred();
        IoHandlerFactory io = transport.ioHandlerFactory();
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(ioThreads, io);
        EchoHandler echo = new EchoHandler(connections);
        channel = new ServerBootstrap().group(boss, workers)
                .channel(transport.serverSocketChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH), FrameEncoder.INSTANCE, echo);
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    public int port() {
        return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7001;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        BareEchoServer server = new BareEchoServer("127.0.0.1", port, threads);
        System.out.println("bare echo server listening on 127.0.0.1:" + server.port() + " with " + threads + " event loop(s)");
        Thread.currentThread().join();
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final AtomicInteger connections;

        EchoHandler(AtomicInteger connections) {
            this.connections = connections;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connections.incrementAndGet();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connections.decrementAndGet();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Message m = (Message) msg;
            if (m instanceof Request r) {
                ctx.write(new Response(r.id(), r.payload()), ctx.voidPromise());
            } else if (m instanceof Ping p) {
                ctx.write(new Pong(p.timestamp()), ctx.voidPromise());
            } else if (m instanceof Hello) {
                ctx.write(new Welcome(30_000, Protocol.DEFAULT_MAX_FRAME_LENGTH, "bare"), ctx.voidPromise());
            }
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
}
