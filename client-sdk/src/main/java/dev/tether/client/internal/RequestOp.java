package dev.tether.client.internal;

import dev.tether.protocol.Protocol;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** A request: waits for the response with the same id, or for its timeout (which is this runnable). */
final class RequestOp extends Op implements Runnable {
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    final long timeoutNanos;
    final RealClient client;
    Future<?> timeout;
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
        cancelTimeout();
        future.completeExceptionally(cause);
    }

    void cancelTimeout() {
        Future<?> t = timeout;
        if (t != null) {
            t.cancel(false);
            timeout = null;
        }
    }

    /** The timeout fired. */
    @Override
    public void run() {
        timeout = null;
        client.onRequestTimeout(this);
    }
}
