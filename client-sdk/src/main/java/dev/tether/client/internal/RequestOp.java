package dev.tether.client.internal;

import dev.tether.protocol.Protocol;
import java.util.concurrent.CompletableFuture;

/** A request: waits for the response with the same id, or for its deadline ({@link RequestTimeouts}). */
final class RequestOp extends Op {
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    final long timeoutNanos;
    final RealClient client;
    /** Links of the {@link RequestTimeouts} list, ordered by deadline. */
    long deadline;
    RequestOp tPrev;
    RequestOp tNext;
    boolean timed;
    /** The id and connection once written; 0 / null before. */
    long id;
    Connection connection;

    RequestOp(RealClient client, byte[] payload, long timeoutNanos) {
        super(payload);
        this.client = client;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    int frameSize() {
        // length prefix + header + the payload (a request's body is its payload)
        return Protocol.LENGTH_FIELD_SIZE + Protocol.HEADER_SIZE + payload.length;
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    void fail(Throwable cause) {
        client.stopClock(this);
        future.completeExceptionally(cause);
    }
}
