package dev.tether.client.netty;

import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.Objects;

/**
 * Netty adapter of {@link MessageEncoder}: writes each {@link Message} as one frame into a buffer
 * of exactly the right size, and reports it to its {@link FrameCounters}. Anything else written through it
 * passes unchanged.
 *
 * <p>A {@link ByteBuf} written through it is taken as one frame that is already encoded (a server that
 * fans one push out to many connections encodes it once): it passes unchanged and is counted with its
 * readable bytes. An empty buffer (the usual "everything before this is written" marker) is not counted.
 *
 * <p>{@link #INSTANCE} counts nothing and, having no state, serves every channel. An encoder built with
 * counters belongs to one channel; such a channel usually wants {@link FrameCodec}, which decodes and encodes
 * in one handler (one pipeline entry instead of two).
 *
 * <p>An encoder writes one protocol version, version 1 until {@link #version(int)} says otherwise (a
 * {@code WELCOME} is always written in the version it announces, a {@code HELLO} in version 1). {@link #INSTANCE}
 * writes version 1 only.
 */
public final class FrameEncoder extends ChannelOutboundHandlerAdapter {
    /** An encoder that counts nothing; shareable by any number of channels. */
    public static final FrameEncoder INSTANCE = new FrameEncoder(FrameCounters.NONE);

    private final FrameCounters counters;
    private int version;

    /**
     * A version-1 encoder for one channel.
     *
     * @param counters told of every frame written and its size on the wire (length prefix included)
     */
    public FrameEncoder(FrameCounters counters) {
        this(counters, Protocol.VERSION_1);
    }

    /**
     * An encoder for one channel.
     *
     * @param counters told of every frame written and its size on the wire (length prefix included)
     * @param version the protocol version of the frames, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     */
    public FrameEncoder(FrameCounters counters, int version) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.version = FrameVersion.check(version);
    }

    /**
     * The protocol version of the frames written now.
     *
     * @return the version, in [1, {@link Protocol#VERSION}]
     */
    public int version() {
        return version;
    }

    /**
     * Writes {@code version} from the next message on. Call it on the channel's event loop.
     *
     * @param version the negotiated version, in [1, {@link Protocol#VERSION}]
     * @throws IllegalArgumentException if this library does not speak {@code version}
     * @throws IllegalStateException on {@link #INSTANCE}, which channels share
     */
    public void version(int version) {
        if (this == INSTANCE) {
            throw new IllegalStateException("FrameEncoder.INSTANCE is shared and writes version 1; "
                    + "give the channel its own new FrameEncoder(counters, version)");
        }
        this.version = FrameVersion.check(version);
    }

    /** Shareable when it has nothing to count: its only state is its counters. */
    @Override
    public boolean isSharable() {
        return counters == FrameCounters.NONE;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Frames.write(ctx, msg, promise, counters, version);
    }
}
