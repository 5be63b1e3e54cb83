package dev.tether.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A request, and the future the application holds for it: waits for the response with the same id, or for its
 * deadline ({@link RequestTimeouts}), or for the application to cancel it, which takes it out of the buffer or
 * the registry at once. Cancelling a future derived from it ({@code thenApply}, ...) does not reach back, as with
 * any {@link CompletableFuture}.
 */
final class RequestOp extends Op<byte[]> implements Runnable {
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
    /** Started on the loop already: a request starts once, however often {@link #run} is called. */
    boolean started;

    RequestOp(OutboundQueue queue, byte[] payload, long timeoutNanos) {
        super(payload);
        this.queue = queue;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Starts the request on the client's loop: the task that hands a request made on another thread to the loop
     * (see {@link OutboundQueue#request}). The application holds this object as its future, so a stray call from
     * any thread is harmless: it goes to the loop, where a started request is not started again.
     */
    @Override
    public void run() {
        queue.startOnLoop(this);
    }

    @Override
    void fail(Throwable cause) {
        queue.stopClock(this);
        completeExceptionally(cause);
    }

    /** Withdraws the request (from the send buffer, or from the requests in flight, so a graceful close does not wait for it). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        queue.cancel(this); // withdrawing twice (two racing cancels) is harmless
        return cancelled;
    }
}
