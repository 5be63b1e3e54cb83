package dev.tether.client.internal;

import java.util.concurrent.CompletableFuture;

/** A request: waits for the response with the same id, or for its deadline ({@link RequestTimeouts}). */
final class RequestOp extends Op {
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    final long timeoutNanos;
    final OutboundQueue queue;
    /** Links of the {@link RequestTimeouts} list, ordered by deadline. */
    long deadline;
    RequestOp tPrev;
    RequestOp tNext;
    boolean timed;
    /** The id and connection once written; 0 / null before. */
    long id;
    Connection connection;

    RequestOp(OutboundQueue queue, byte[] payload, long timeoutNanos) {
        super(payload);
        this.queue = queue;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    void fail(Throwable cause) {
        queue.stopClock(this);
        future.completeExceptionally(cause);
    }
}
