package dev.tether.client.netty;

import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.Objects;

/**
 * Netty adapter of {@link MessageEncoder}: writes each {@link Message} as one frame into a buffer
 * of exactly the right size, and reports it to its {@link FrameCounters}.
 *
 * <p>A {@link ByteBuf} written through it is taken as one frame that is already encoded (a server that
 * fans one push out to many connections encodes it once): it passes unchanged and is counted with its
 * readable bytes. An empty buffer (the usual "everything before this is written" marker) is not counted.
 *
 * <p>{@link #INSTANCE} counts nothing and, having no state, serves every channel. An encoder built with
 * counters belongs to one channel.
 */
public final class FrameEncoder extends MessageToByteEncoder<Message> {
    /** An encoder that counts nothing; shareable by any number of channels. */
    public static final FrameEncoder INSTANCE = new FrameEncoder(FrameCounters.NONE);

    private final FrameCounters counters;

    /**
     * An encoder for one channel.
     *
     * @param counters told of every frame written and its size on the wire (length prefix included)
     */
    public FrameEncoder(FrameCounters counters) {
        super(Message.class);
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** Shareable when it has nothing to count: its only state is its counters. */
    @Override
    public boolean isSharable() {
        return counters == FrameCounters.NONE;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf frame) {
            if (frame.isReadable()) {
                counters.frameOut(frame.readableBytes());
            }
            ctx.write(msg, promise);
            return;
        }
        super.write(ctx, msg, promise);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Message msg, boolean preferDirect) {
        int size = MessageEncoder.encodedSize(msg);
        return preferDirect ? ctx.alloc().ioBuffer(size, size) : ctx.alloc().heapBuffer(size, size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        int size = MessageEncoder.encodedSize(msg);
        MessageEncoder.encode(msg, out.nioBuffer(out.writerIndex(), size));
        out.writerIndex(out.writerIndex() + size);
        counters.frameOut(size);
    }
}
