package dev.tether.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A request: waits for the response with the same id, or for its deadline ({@link RequestTimeouts}), or for
 * the application to cancel its future, which takes it out of the buffer or the registry at once.
 */
final class RequestOp extends Op implements Runnable {
    final CompletableFuture<byte[]> future = new Answer();
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

    /** Runs on the client's loop when the request was made on another thread: see {@link OutboundQueue#request}. */
    @Override
    public void run() {
        queue.startRequest(this);
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

    /**
     * The future the application holds: cancelling it withdraws the request (from the send buffer, or from
     * the requests in flight, so that a graceful close does not wait for it). Futures derived from it
     * ({@code thenApply}, ...) are plain ones: cancelling those does not reach back, as with any
     * {@link CompletableFuture}.
     */
    private final class Answer extends CompletableFuture<byte[]> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (isDone()) {
                return isCancelled();
            }
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            queue.cancel(RequestOp.this); // withdrawing twice (two racing cancels) is harmless
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
