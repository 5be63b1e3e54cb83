package dev.tether.client.internal;

import dev.tether.protocol.Protocol;

/**
 * One application operation (a request or a send) on its way to the socket. While it waits in the
 * {@link SendBuffer} it is linked into that buffer's list, so a timed-out request leaves the buffer in
 * constant time. Confined to the client's event loop.
 */
abstract class Op {
    final byte[] payload;
    /** Links of the send buffer's list; {@code inBuffer} says whether they are in use. */
    Op prev;
    Op next;
    boolean inBuffer;

    Op(byte[] payload) {
        this.payload = payload;
    }

    /**
     * The frame size in bytes (length prefix included) this operation will occupy: a request's body is just the
     * payload, a send's too unless it carries a sequence number (8 bytes more, with session resumption).
     */
    final int frameSize(boolean sequenced) {
        return Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + (sequenced && this instanceof SendOp ? Long.BYTES : 0)
                + payload.length;
    }

    /** Whether the application no longer waits for it (timed out or cancelled): skip it at flush. */
    abstract boolean isDone();

    /** Fails the operation's future (no-op if already done). */
    abstract void fail(Throwable cause);
}
