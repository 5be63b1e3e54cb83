package dev.tether.server;

import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.ByteBuffer;

/**
 * One push as the server fans it out: the payload encoded once, in one direct buffer that every session's
 * frame shares, and the few header bytes that differ per session (the version byte, the sequence) written
 * per frame. PUSH puts its payload last (PROTOCOL.md §4), so a frame is a small header followed by the
 * shared payload, and a large payload is never copied per session. A small one (at most
 * {@link #COPY_LIMIT} bytes) is copied behind the header into one buffer instead: copying a few hundred bytes
 * costs less than the composite buffer, the duplicate and the shared reference count's two atomic updates
 * per frame, and the socket then writes one buffer, not two.
 *
 * <p>Reference counted through its payload buffer: the creator holds one reference, each replay window
 * entry and each task that still has to write it holds one more; {@link #frame} gives the channel a
 * reference of its own. Thread-safe: its state never changes after construction.
 */
final class OutboundPush {
    private static final byte[] EMPTY = new byte[0];
    /** Payloads up to this many bytes are copied into each frame rather than shared. */
    static final int COPY_LIMIT = 512;

    private final ByteBuf payload;
    private final int payloadLength;
    /** The frame without its payload, in version 1 (no sequence) and in version 2 without and with a sequence 0. */
    private final byte[] headerV1;
    private final byte[] headerV2;
    private final byte[] headerV2Sequenced;

    private OutboundPush(ByteBuf payload, byte[] headerV1, byte[] headerV2, byte[] headerV2Sequenced) {
        this.payload = payload;
        this.payloadLength = payload.readableBytes();
        this.headerV1 = headerV1;
        this.headerV2 = headerV2;
        this.headerV2Sequenced = headerV2Sequenced;
    }

    /**
     * Encodes a push: the payload into a direct buffer of {@code alloc}, the headers into small arrays. Throws
     * {@link IllegalArgumentException} for an invalid topic, before anything is allocated.
     */
    static OutboundPush encode(ByteBufAllocator alloc, String topic, long timestampMicros, byte[] payload) {
        byte[] v1 = header(new Push(topic, timestampMicros, Push.NO_SEQUENCE, EMPTY), Protocol.VERSION_1, payload.length);
        byte[] v2 = header(new Push(topic, timestampMicros, Push.NO_SEQUENCE, EMPTY), Protocol.VERSION_2, payload.length);
        byte[] v2s = header(new Push(topic, timestampMicros, 0, EMPTY), Protocol.VERSION_2, payload.length);
        ByteBuf buf = alloc.directBuffer(payload.length, payload.length).writeBytes(payload);
        return new OutboundPush(buf, v1, v2, v2s);
    }

    /** The frame of {@code message} (whose payload is empty) with the length prefix counting {@code payloadLength} more bytes. */
    private static byte[] header(Push message, int version, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(MessageEncoder.encodedSize(message, version));
        MessageEncoder.encode(message, version, b);
        b.putInt(0, b.getInt(0) + payloadLength);
        return b.array();
    }

    /** The payload's size in bytes: what a replay window counts against its byte bound. */
    int payloadLength() {
        return payloadLength;
    }

    /**
     * A frame of this push for one session, written in {@code version}, with {@code sequence} (or without one:
     * {@link Push#NO_SEQUENCE}); the caller owns the returned buffer (its write releases it).
     */
    ByteBuf frame(ByteBufAllocator alloc, int version, long sequence) {
        if (sequence != Push.NO_SEQUENCE && version < Protocol.VERSION_2) {
            throw new IllegalArgumentException("a version-1 push carries no sequence");
        }
        byte[] template = version < Protocol.VERSION_2 ? headerV1 : sequence == Push.NO_SEQUENCE ? headerV2 : headerV2Sequenced;
        boolean copy = payloadLength <= COPY_LIMIT;
        int capacity = copy ? template.length + payloadLength : template.length;
        ByteBuf header = alloc.ioBuffer(capacity, capacity).writeBytes(template);
        if (sequence != Push.NO_SEQUENCE) {
            header.setLong(template.length - Long.BYTES, sequence); // the sequence is the last field before the payload
        }
        if (copy) {
            return header.writeBytes(payload, payload.readerIndex(), payloadLength);
        }
        CompositeByteBuf frame = alloc.compositeDirectBuffer(2);
        return frame.addComponents(true, header, payload.retainedDuplicate());
    }

    OutboundPush retain() {
        payload.retain();
        return this;
    }

    void release() {
        payload.release();
    }

    /** Test seam: the payload buffer's reference count. */
    int refCnt() {
        return payload.refCnt();
    }
}
