package dev.tether.bench.floor;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Ping;
import dev.tether.protocol.Pong;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bare Netty baseline of the server side: the same transport, socket options, frame codec and event-loop
 * count as the reference server; answers HELLO, PING and REQUEST, and broadcasts the way a plain hand-written Netty
 * server would: one task per event loop, the PUSH frame encoded once per loop and the same
 * buffer written to every channel of that loop, one flush per channel. No registry, limits, timeouts or counters.
 */
final class BareServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    /** The channels of each event loop; each list is touched only by its own loop. */
    private final Map<EventLoop, java.util.Set<Channel>> channelsByLoop = new ConcurrentHashMap<>();

    BareServer(String host, int port, int ioThreads) {
        Transport transport = Transport.preferred();
        boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        workers = new MultiThreadIoEventLoopGroup(ioThreads, transport.ioHandlerFactory());
        Handler handler = new Handler();
        channel = new ServerBootstrap().group(boss, workers)
                .channel(transport.serverSocketChannelClass())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameDecoder(Protocol.DEFAULT_MAX_FRAME_LENGTH), FrameEncoder.INSTANCE, handler);
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Pushes {@code payload} to every connection. */
    void broadcast(byte[] payload) {
        for (EventExecutor loop : workers) {
            loop.execute(() -> {
                java.util.Set<Channel> channels = channelsByLoop.get((EventLoop) loop);
                if (channels == null || channels.isEmpty()) {
                    return;
                }
                Push push = new Push(null, System.currentTimeMillis() * 1000, Push.NO_SEQUENCE, payload);
                int size = MessageEncoder.encodedSize(push);
                ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
                MessageEncoder.encode(push, frame.nioBuffer(0, size));
                frame.writerIndex(size);
                try {
                    for (Channel ch : channels) {
                        ch.writeAndFlush(frame.retainedDuplicate(), ch.voidPromise());
                    }
                } finally {
                    frame.release();
                }
            });
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channelsByLoop.computeIfAbsent(ctx.channel().eventLoop(), l -> new java.util.LinkedHashSet<>()).add(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channelsByLoop.get(ctx.channel().eventLoop()).remove(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Message m = (Message) msg;
            if (m instanceof Request r) {
                ctx.write(new Response(r.id(), r.payload()), ctx.voidPromise());
            } else if (m instanceof Ping p) {
                ctx.write(new Pong(p.timestamp()), ctx.voidPromise());
            } else if (m instanceof Hello) {
                ctx.write(new Welcome(Protocol.DEFAULT_HEARTBEAT_INTERVAL_MILLIS, Protocol.DEFAULT_MAX_FRAME_LENGTH, "bare"), ctx.voidPromise());
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
