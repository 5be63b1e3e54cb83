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
 * <h2>Version</h2>
 * Both directions speak one protocol version, version 1 until {@link #version(int)} says otherwise. A server
 * sets the negotiated version when it writes its {@code WELCOME} (which is written in the version it announces,
 * so before or after the write both work). A client calls {@link #expectWelcome(int)} before it writes its hello:
 * until the welcome arrives a {@code WELCOME} is read in any version up to the client's maximum and everything
 * else in version 1, and the welcome switches the codec, both directions, to the version it was written in,
 * before the frames behind it in the same read are decoded. Call these methods on the channel's event loop.
 *
 * <p>Like Netty's {@code CombinedChannelDuplexHandler}, minus the second context: outbound events other than
 * writes pass on unchanged. Not sharable (the decoder keeps a partial frame and the version per channel).
 */
public final class FrameCodec extends ByteToMessageDecoder implements ChannelOutboundHandler {
    private final int maxFrameLength;
    private final FrameCounters counters;
    private final FrameVersion version;
    private boolean failed;

    /**
     * A version-1 codec.
     *
     * @param maxFrameLength the largest length prefix accepted inbound
     * @param counters told of every frame decoded and encoded, with its size on the wire (length prefix included)
     */
    public FrameCodec(int maxFrameLength, FrameCounters counters) {
        this(maxFrameLength, counters, Protocol.VERSION_1);
    }

    /**
     * @param maxFrameLength the largest length prefix accepted inbound
     * @param counters told of every frame decoded and encoded, with its size on the wire (length prefix included)
     * @param version the protocol version of both directions, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public FrameCodec(int maxFrameLength, FrameCounters counters, int version) {
        this.maxFrameLength = maxFrameLength;
        this.counters = Objects.requireNonNull(counters, "counters");
        this.version = new FrameVersion(version);
    }

    /** A version-1 codec for frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} that counts nothing. */
    public FrameCodec() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH, FrameCounters.NONE);
    }

    /**
     * The protocol version both directions speak now: the one set, or the one of the welcome decoded; version 1
     * while a welcome is {@linkplain #isExpectingWelcome() expected}.
     *
     * @return the version, in [1, {@link Protocol#VERSION}]
     */
    public int version() {
        return version.get();
    }

    /**
     * Speaks {@code version} in both directions for every frame not yet encoded or decoded, and stops expecting a welcome.
     *
     * @param version the negotiated version, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public void version(int version) {
        this.version.set(version);
    }

    /**
     * The client side of the handshake: read a {@code WELCOME} in any version from 1 to {@code maxVersion} (and
     * every other frame in version 1) until one arrives, then speak the welcome's version in both directions.
     *
     * @param maxVersion the {@code maxVersion} of the client's hello, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code maxVersion}
     */
    public void expectWelcome(int maxVersion) {
        version.expectWelcome(maxVersion);
    }

    /**
     * Whether the codec still waits for a welcome (see {@link #expectWelcome(int)}).
     *
     * @return true between {@link #expectWelcome(int)} and the welcome (or {@link #version(int)})
     */
    public boolean isExpectingWelcome() {
        return version.isExpectingWelcome();
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
            Frames.decode(in, out, maxFrameLength, counters, version);
        } catch (Exception e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    // ---- outbound: as FrameEncoder ----

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Frames.write(ctx, msg, promise, counters, version.get());
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
