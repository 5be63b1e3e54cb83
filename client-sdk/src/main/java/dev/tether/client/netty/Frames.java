package dev.tether.client.netty;

import dev.tether.protocol.FrameParser;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import java.util.List;

/**
 * The framing both directions share, written once for {@link FrameDecoder}, {@link FrameEncoder} and
 * {@link FrameCodec}: each of them only adds the handler around it.
 */
final class Frames {
    private Frames() {
    }

    /**
     * Decodes every whole frame in {@code in} into {@code out} and counts it. A length over {@code maxFrameLength}
     * or a malformed frame throws ({@link dev.tether.protocol.ProtocolException}); the caller then discards the
     * rest of the stream.
     */
    static void decode(ByteBuf in, List<Object> out, int maxFrameLength, FrameCounters counters) throws Exception {
        while (in.readableBytes() >= Protocol.LENGTH_FIELD_SIZE) {
            int start = in.readerIndex();
            int length = in.getInt(start);
            FrameParser.checkLength(length, maxFrameLength);
            if (in.readableBytes() < Protocol.LENGTH_FIELD_SIZE + length) {
                return;
            }
            out.add(FrameParser.parse(in.nioBuffer(start + Protocol.LENGTH_FIELD_SIZE, length)));
            in.readerIndex(start + Protocol.LENGTH_FIELD_SIZE + length);
            counters.frameIn(Protocol.LENGTH_FIELD_SIZE + length);
        }
    }

    /**
     * Writes {@code msg} on: a {@link Message} as one frame in a buffer of exactly its size, a {@link ByteBuf} as a
     * frame already encoded (counted with its readable bytes unless empty), anything else unchanged and uncounted.
     */
    static void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise, FrameCounters counters) {
        if (msg instanceof Message m) {
            int size = MessageEncoder.encodedSize(m);
            ByteBuf frame = ctx.alloc().ioBuffer(size, size);
            try {
                MessageEncoder.encode(m, frame.nioBuffer(0, size));
            } catch (RuntimeException e) {
                frame.release();
                throw new EncoderException(e);
            }
            frame.writerIndex(size);
            counters.frameOut(size);
            ctx.write(frame, promise);
            return;
        }
        if (msg instanceof ByteBuf frame && frame.isReadable()) {
            counters.frameOut(frame.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
