package dev.tether.loadtool.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The proxy's target in tests: echoes what it reads, and records connections, bytes and resets on loopback. */
final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicLong received = new AtomicLong();
    final AtomicInteger resets = new AtomicInteger();
    private volatile boolean reading = true;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    EchoServer() {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        open.add(ch);
                        ch.config().setAutoRead(reading);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                received.addAndGet(((ByteBuf) msg).readableBytes());
                                ctx.writeAndFlush(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                if (cause instanceof IOException) {
                                    resets.incrementAndGet();
                                }
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops reading new and open connections (they fill up), or reads them again. */
    void reading(boolean on) {
        reading = on;
        open.forEach(ch -> ch.config().setAutoRead(on));
    }

    /** Writes {@code bytes} to every open connection, unasked. */
    void sendToAll(byte[] bytes) {
        open.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.close().syncUninterruptibly();
        open.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
