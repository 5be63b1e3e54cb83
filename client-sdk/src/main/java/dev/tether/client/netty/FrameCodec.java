package dev.tether.client.netty;

import dev.tether.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.SocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * {@link FrameDecoder} and {@link FrameEncoder} in one handler for one channel: decodes the inbound stream
 * into {@link dev.tether.protocol.Message}s exactly as the decoder does, encodes outbound messages (and passes
 * pre-encoded {@link ByteBuf} frames) exactly as the encoder does, and counts both directions into one
 * {@link FrameCounters}.
 *
 * <p>One handler is one pipeline entry: a channel with this codec holds one handler context and one handler
 * object fewer than with the pair, which matters when a process holds tens of thousands of idle connections.
 * The SDK and the reference server install this codec; the separate decoder and encoder remain for pipelines
 * that want something between the two, or a stateless shared encoder ({@link FrameEncoder#INSTANCE}).
 *
 * <p>Like Netty's {@code CombinedChannelDuplexHandler}, minus the second context: outbound events other than
 * writes pass on unchanged. Not sharable (the decoder keeps a partial frame per channel).
 */
public final class FrameCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
    private final int maxFrameLength;
    private final FrameCounters counters;
    private boolean failed;

    /**
     * @param maxFrameLength the largest length prefix accepted inbound
     * @param counters told of every frame decoded and encoded, with its size on the wire (length prefix included)
     */
    public FrameCodec(int maxFrameLength, FrameCounters counters) {
        this.maxFrameLength = maxFrameLength;
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** A codec for frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} that counts nothing. */
    public FrameCodec() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH, FrameCounters.NONE);
    }

    // ---- inbound: as FrameDecoder ----

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            // The stream is out of step after a protocol error; drop what still arrives until the close.
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Frames.decode(in, out, maxFrameLength, counters);
        } catch (Exception e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    // ---- outbound: as FrameEncoder ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Frames.write(ctx, msg, promise, counters);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }
}
