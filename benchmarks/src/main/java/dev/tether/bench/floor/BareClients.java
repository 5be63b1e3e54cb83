package dev.tether.bench.floor;

import dev.tether.client.netty.FrameDecoder;
import dev.tether.client.netty.FrameEncoder;
import dev.tether.client.netty.Transport;
import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.Push;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bare Netty baseline of the client side: the same transport, socket options and frame codec as the SDK,
 * and a handler that does the handshake, correlates responses (the echo servers answer in order, so a ring of
 * tags per connection is enough) and counts pushes. No futures, no timeouts, no heartbeats, no reconnects.
 */
final class BareClients implements ClientSet {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<Conn> conns = new ArrayList<>();
    private final LongAdder pushes = new LongAdder();

    BareClients(String host, int port, int ioThreads) {
        Transport transport = Transport.preferred();
        group = new MultiThreadIoEventLoopGroup(ioThreads, transport.ioHandlerFactory());
        bootstrap = new Bootstrap().group(group).channel(transport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .remoteAddress(host, port);
    }

    @Override
    public CompletableFuture<Void> open() {
        Conn conn = new Conn(conns.size());
        conns.add(conn);
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, conn);
            }
        }).connect();
        conn.channel = f.channel();
        f.addListener(x -> {
            if (!x.isSuccess()) {
                conn.welcomed.completeExceptionally(x.cause());
            }
        });
        return conn.welcomed;
    }

    @Override
    public int size() {
        return conns.size();
    }

    @Override
    public void request(int connection, byte[] payload, long tag, Completion completion) {
        Conn conn = conns.get(connection);
        if (conn.channel.eventLoop().inEventLoop()) {
            conn.send(connection, payload, tag, completion);
        } else {
            conn.channel.eventLoop().execute(() -> conn.send(connection, payload, tag, completion));
        }
    }

    @Override
    public long pushes() {
        return pushes.sum();
    }

    @Override
    public void closeAll() throws Exception {
        List<CompletableFuture<Void>> closes = new ArrayList<>(conns.size());
        for (Conn c : conns) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            c.channel.close().addListener(x -> closed.complete(null));
            closes.add(closed);
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        conns.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            closeAll();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    /** One connection's handler; all its state is touched on its event loop only. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        volatile Channel channel;
        private long nextId = 1;
        private long[] tags = new long[16];
        private Completion[] completions = new Completion[16];
        private final int index;
        private int head;
        private int count;
        private boolean reading;

        Conn(int index) {
            this.index = index;
        }

        void send(int connection, byte[] payload, long tag, Completion completion) {
            if (count == tags.length) {
                grow();
            }
            int slot = (head + count) & (tags.length - 1);
            tags[slot] = tag;
            completions[slot] = completion;
            count++;
            Request r = new Request(nextId++, payload);
            if (reading) {
                channel.write(r, channel.voidPromise()); // flushed once at the end of the read batch
            } else {
                channel.writeAndFlush(r, channel.voidPromise());
            }
        }

        private void grow() {
            long[] t = new long[tags.length * 2];
            Completion[] c = new Completion[tags.length * 2];
            for (int i = 0; i < count; i++) {
                t[i] = tags[(head + i) & (tags.length - 1)];
                c[i] = completions[(head + i) & (tags.length - 1)];
            }
            tags = t;
            completions = c;
            head = 0;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Hello(30_000, "", null), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reading = true;
            Message m = (Message) msg;
            if (m instanceof Response) {
                long tag = tags[head];
                Completion c = completions[head];
                completions[head] = null;
                head = (head + 1) & (tags.length - 1);
                count--;
                c.done(index, tag, true);
            } else if (m instanceof Push) {
                pushes.increment();
            } else if (m instanceof Welcome) {
                welcomed.complete(null);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            welcomed.completeExceptionally(new IllegalStateException("closed before WELCOME"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
