package dev.tether.bench.sdk;

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
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The smallest Tether echo server, for the SDK benchmarks: answers HELLO with WELCOME, REQUEST with a
 * RESPONSE carrying the same payload, PING with PONG; ignores everything else. Runs in its own process so
 * that client measurements do not include it.
 *
 * <p>It closes a connection on any error, and says why on stderr (the first time only): a server started from
 * {@code benchmarks/target/benchmarks.jar} that is rebuilt while it runs cannot load the classes it has not
 * loaded yet ({@code Request} and {@code Response} are first needed at the first request, after many
 * handshakes have worked), so every request then ends in a close the client reports as "closed by the peer".
 * Start long-running servers from a copy of the jar.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.EchoServer [port=7400] [threads=1] [host=127.0.0.1]</pre>
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7400;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String host = args.length > 2 ? args[2] : "0.0.0.0";
        Transport transport = Transport.preferred();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlerFactory());
        Class<? extends ServerSocketChannel> channel = transport.serverSocketChannelClass();
        Handler handler = new Handler();
        Channel server = new ServerBootstrap().group(group).channel(channel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, handler);
                    }
                }).bind(host, port).sync().channel();
        System.out.println("echo server on " + server.localAddress() + " (" + transport + ", "
                + threads + " thread(s))");
        server.closeFuture().sync();
    }

    @ChannelHandler.Sharable
    static final class Handler extends SimpleChannelInboundHandler<Message> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message m) {
            if (m instanceof Request r) {
                ctx.write(new Response(r.id(), r.payload()));
            } else if (m instanceof Ping p) {
                ctx.write(new Pong(p.timestamp()));
            } else if (m instanceof Hello) {
                ctx.write(new Welcome(Protocol.DEFAULT_HEARTBEAT_INTERVAL_MILLIS, Protocol.DEFAULT_MAX_FRAME_LENGTH,
                        ctx.channel().id().asShortText()));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // one flush per read batch, not per answer
        }

        /** Whether an error has been reported already (one line per server, not one per connection). */
        private final AtomicBoolean reported = new AtomicBoolean();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (reported.compareAndSet(false, true)) {
                System.err.println("echo server: closing " + ctx.channel() + " (further errors close silently): " + cause);
                cause.printStackTrace();
            }
            ctx.close();
        }
    }
}
