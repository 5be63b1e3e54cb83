package dev.tether.client.netty;

import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Netty adapter of {@link MessageEncoder}: writes each {@link Message} as one frame into a buffer
 * of exactly the right size. Stateless, so one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Message> {
    /** The one instance; it holds no state, so every pipeline may share it. */
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Message.class);
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
    }
}
