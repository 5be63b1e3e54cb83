package dev.tether.client.netty;

import dev.tether.protocol.FrameParser;
import dev.tether.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The stream reader for Netty pipelines: turns the inbound byte stream into
 * {@link dev.tether.protocol.Message}s. It only frames the stream, keeping a partial frame in Netty's
 * accumulation buffer, and hands each whole frame to {@link FrameParser}, the protocol's one parser (which
 * {@link dev.tether.protocol.MessageDecoder}, the reader for plain byte chunks, uses too). The reference server
 * uses this decoder as well.
 *
 * <p>The length prefix is checked against the maximum before the frame is waited for, so a hostile
 * length costs nothing. A {@link dev.tether.protocol.ProtocolException} is thrown as the cause of a
 * {@link io.netty.handler.codec.DecoderException}; the handler after this one decides what to tell
 * the peer, and this decoder discards whatever else arrives on the connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final int maxFrameLength;
    private final FrameCounters counters;
    private boolean failed;

    /**
     * @param maxFrameLength the largest length prefix accepted
     * @param counters told of every decoded frame and its size on the wire (length prefix included)
     */
    public FrameDecoder(int maxFrameLength, FrameCounters counters) {
        this.maxFrameLength = maxFrameLength;
        this.counters = java.util.Objects.requireNonNull(counters, "counters");
    }

    /** A decoder that counts nothing. */
    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, FrameCounters.NONE);
    }

    /** A decoder for frames up to {@link Protocol#DEFAULT_MAX_FRAME_LENGTH} that counts nothing. */
    public FrameDecoder() {
        this(Protocol.DEFAULT_MAX_FRAME_LENGTH);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            // The stream is out of step after a protocol error; drop what still arrives until the close.
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Protocol.LENGTH_FIELD_SIZE) {
            int start = in.readerIndex();
            int length = in.getInt(start);
            try {
                FrameParser.checkLength(length, maxFrameLength);
            } catch (Exception e) {
                fail(in);
                throw e;
            }
            if (in.readableBytes() < Protocol.LENGTH_FIELD_SIZE + length) {
                return;
            }
            try {
                out.add(FrameParser.parse(in.nioBuffer(start + Protocol.LENGTH_FIELD_SIZE, length)));
            } catch (Exception e) {
                fail(in);
                throw e;
            }
            in.readerIndex(start + Protocol.LENGTH_FIELD_SIZE + length);
            counters.frameIn(Protocol.LENGTH_FIELD_SIZE + length);
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
