package dev.tether.client.netty;

import dev.tether.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The stream reader for Netty pipelines: turns the inbound byte stream into
 * {@link dev.tether.protocol.Message}s. It only frames the stream, keeping a partial frame in Netty's
 * accumulation buffer, and hands each whole frame to {@link dev.tether.protocol.FrameParser}, the protocol's one
 * parser (which {@link dev.tether.protocol.MessageDecoder}, the reader for plain byte chunks, uses too).
 *
 * <p>The length prefix is checked against the maximum before the frame is waited for, so a hostile
 * length costs nothing. A {@link dev.tether.protocol.ProtocolException} is thrown as the cause of a
 * {@link io.netty.handler.codec.DecoderException}; the handler after this one decides what to tell
 * the peer, and this decoder discards whatever else arrives on the connection.
 *
 * <p>It reads one protocol version, version 1 until {@link #version(int)} says otherwise; a client's decoder
 * {@linkplain #expectWelcome(int) expects a welcome} in any version it offered and then reads the welcome's
 * version, as {@link FrameCodec} describes. Call those methods on the channel's event loop.
 *
 * <p>{@link FrameCodec} decodes the same way and encodes too, in one handler.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private int maxFrameLength;
    private final FrameCounters counters;
    private final FrameVersion version;
    private boolean failed;

    /**
     * A version-1 decoder.
     *
     * @param maxFrameLength the largest length prefix accepted
     * @param counters told of every decoded frame and its size on the wire (length prefix included)
     */
    public FrameDecoder(int maxFrameLength, FrameCounters counters) {
        this(maxFrameLength, counters, Protocol.VERSION_1);
    }

    /**
     * @param maxFrameLength the largest length prefix accepted
     * @param counters told of every decoded frame and its size on the wire (length prefix included)
     * @param version the protocol version of the frames, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public FrameDecoder(int maxFrameLength, FrameCounters counters, int version) {
        this.maxFrameLength = maxFrameLength;
        this.counters = java.util.Objects.requireNonNull(counters, "counters");
        this.version = new FrameVersion(version);
    }

    /** A version-1 decoder that counts nothing. */
    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, FrameCounters.NONE);
    }

    /** A version-1 decoder for frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} that counts nothing. */
    public FrameDecoder() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * The protocol version of the frames read now: the one set, or the one of the welcome decoded; version 1
     * while a welcome is {@linkplain #isExpectingWelcome() expected}.
     *
     * @return the version, in [1, {@link Protocol#VERSION}]
     */
    public int version() {
        return version.get();
    }

    /**
     * Reads {@code version} for every frame not yet decoded, and stops expecting a welcome.
     *
     * @param version the negotiated version, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public void version(int version) {
        this.version.set(version);
    }

    /**
     * The largest length prefix accepted from now on: every length prefix checked after this call is checked against
     * it (one read's frames are all checked as that read is decoded, before the first of them is passed on). A server
     * can thus read the hello with a small limit and raise it once the peer is known, without a second decoder
     * (bytes already buffered stay where they are). Call it on the channel's event loop.
     *
     * @param maxFrameLength the largest length prefix accepted, at least 1
     * @throws IllegalArgumentException if {@code maxFrameLength} is below 1
     */
    public void maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be at least 1: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * The largest length prefix accepted now.
     *
     * @return the limit in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * The client side of the handshake: read a {@code WELCOME} in any version from 1 to {@code maxVersion} (and
     * every other frame in version 1) until one arrives, then read the welcome's version.
     *
     * @param maxVersion the {@code maxVersion} of the client's hello, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code maxVersion}
     */
    public void expectWelcome(int maxVersion) {
        version.expectWelcome(maxVersion);
    }

    /**
     * Whether the decoder still waits for a welcome (see {@link #expectWelcome(int)}).
     *
     * @return true between {@link #expectWelcome(int)} and the welcome (or {@link #version(int)})
     */
    public boolean isExpectingWelcome() {
        return version.isExpectingWelcome();
    }

    /**
     * The bytes received but not decoded yet (the start of a frame whose rest has not arrived): what this decoder
     * holds in memory for its channel, e.g. for a server's memory accounting. Call it on the channel's event loop.
     *
     * @return the number of bytes buffered, 0 when every byte received has been decoded
     */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

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
            fail(in);
            throw e;
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
