package dev.tether.client.netty;

import dev.tether.protocol.FrameParser;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The framing both directions share, written once for {@link FrameDecoder}, {@link FrameEncoder} and
 * {@link FrameCodec}: each of them only adds the handler around it.
 */
final class Frames {
    /**
     * Frames up to this size (a request, response, send or push of up to about 1 KB, every control message) are
     * encoded into the thread's scratch buffer and copied into the frame, and decoded from a copy there; larger
     * ones are encoded and decoded through an NIO view of the frame, which is one more object per frame (a
     * {@code DirectByteBuffer}: in a closed loop of small requests, about a fifth of all the bytes allocated per
     * request, each way), paid only where the payload's own copy costs more.
     */
    static final int SCRATCH_SIZE = 1024;
    private static final FastThreadLocal<ByteBuffer> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected ByteBuffer initialValue() {
            return ByteBuffer.allocate(SCRATCH_SIZE);
        }
    };

    private Frames() {
    }

    /**
     * The calling thread's scratch buffer of {@link #SCRATCH_SIZE} bytes, cleared. Handlers encode and decode on
     * their channel's event loop, one frame at a time, and neither calls out while it uses the buffer.
     */
    static ByteBuffer scratch() {
        return SCRATCH.get().clear();
    }

    /**
     * Decodes every whole frame in {@code in} into {@code out} in the channel's {@code version} and counts it. A
     * length over {@code maxFrameLength} or a malformed frame throws ({@link dev.tether.protocol.ProtocolException});
     * the caller then discards the rest of the stream.
     */
    static void decode(ByteBuf in, List<Object> out, int maxFrameLength, FrameCounters counters, FrameVersion version)
            throws Exception {
        while (in.readableBytes() >= Protocol.LENGTH_FIELD_SIZE) {
            int start = in.readerIndex();
            int length = in.getInt(start);
            FrameParser.checkLength(length, maxFrameLength);
            if (in.readableBytes() < Protocol.LENGTH_FIELD_SIZE + length) {
                return;
            }
            out.add(version.parse(in, start, length));
            in.readerIndex(start + Protocol.LENGTH_FIELD_SIZE + length);
            counters.frameIn(Protocol.LENGTH_FIELD_SIZE + length);
        }
    }

    /**
     * Writes {@code msg} on: a {@link Message} as one frame of {@code version} in a buffer of exactly its size, a
     * {@link ByteBuf} as a frame already encoded (counted with its readable bytes unless empty), anything else
     * unchanged and uncounted. A {@link Welcome} is written in the version it announces, whatever {@code version}
     * (so a server may switch its channel to the negotiated version before or after writing it), and a hello in
     * version 1 ({@link MessageEncoder}). A message that its version cannot carry fails the write with an
     * {@link EncoderException}.
     */
    static void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise, FrameCounters counters,
                      int version) {
        if (msg instanceof Message m) {
            int v = m instanceof Welcome w ? w.version() : version;
            int size;
            try {
                size = MessageEncoder.encodedSize(m, v);
            } catch (RuntimeException e) {
                throw new EncoderException(e);
            }
            ByteBuf frame = ctx.alloc().ioBuffer(size, size);
            try {
                if (size <= SCRATCH_SIZE) {
                    ByteBuffer scratch = scratch();
                    MessageEncoder.encode(m, v, scratch);
                    frame.writeBytes(scratch.array(), 0, size);
                } else {
                    MessageEncoder.encode(m, v, frame.nioBuffer(0, size));
                    frame.writerIndex(size);
                }
            } catch (RuntimeException e) {
                frame.release();
                throw new EncoderException(e);
            }
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
