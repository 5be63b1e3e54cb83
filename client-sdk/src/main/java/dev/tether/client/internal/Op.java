package dev.tether.client.internal;

import dev.tether.protocol.Protocol;
import java.util.concurrent.CompletableFuture;

/**
 * One application operation (a request or a send) on its way to the socket, and the future the application
 * holds for it: one object per operation, not two. While it waits in the {@link SendBuffer} it is linked into
 * that buffer's list, so a timed-out request leaves the buffer in constant time. Its fields are confined to
 * the client's event loop; the future is completed there and may be read and cancelled anywhere. Futures
 * derived from it ({@code thenApply}, ...) are plain {@link CompletableFuture}s.
 *
 * @param <T> what the future completes with
 */
abstract class Op<T> extends CompletableFuture<T> {
    final byte[] payload;
    /** Links of the send buffer's list; {@code inBuffer} says whether they are in use. */
    Op<?> prev;
    Op<?> next;
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

    /** Fails the operation's future (no-op if already done). Whether it is done ({@link #isDone}) says to skip it at flush. */
    abstract void fail(Throwable cause);
}
