package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end of a client's life, from the moment it enters CLOSED to its completed close future. A graceful
 * close writes what is buffered, lets the requests in flight finish (also those on a connection draining
 * after a go-away), then has each connection close once its writes are out, all within the close timeout;
 * when that deadline passes, or at once after a fatal error, whatever is left is failed and every
 * connection is shut. The close is over when the last connection has reported its end: the queue fails
 * what remains, a private event loop is shut down, and the future completes.
 *
 * <p>The client's state machine decides when to close ({@code RealClient.beginClose}); this class carries
 * it out, and keeps why the client closed itself, if it did. It is made by the first close, by whichever
 * thread comes first ({@code closeAsync}, or the loop closing after a fatal error), so a client that is never
 * closed holds one null reference for all of this. Everything except {@link #future()} and
 * {@link #awaitQuietly} runs on the client's event loop.
 */
final class ClientClose {
    /** What the close needs from its client. */
    interface Owner {
        /** The connection in use or being dialled and those draining after a go-away, in a fresh list. */
        List<Connection> connections();
    }

    private static final System.Logger log = Logs.CLIENT;
    /** How long a client's private event loop may take to shut down after the close. */
    private static final long SHUTDOWN_MILLIS = 10_000;

    private final Owner owner;
    private final OutboundQueue queue;
    /** The client's private event loops, shut down when the close is over; null when they are shared. */
    private final EventLoops ownLoops;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    // ---- loop-confined ----
    /** The end of a graceful close's time, while one runs. */
    private Future<?> deadline;
    /** Why the client closed itself, for an error no retry can fix; null after close(). */
    private Throwable fatalCause;
    /** The shared exception of a close the application asked for, once something needed it. */
    private volatile ClientClosedException closed;

    ClientClose(Owner owner, OutboundQueue queue, EventLoops ownLoops) {
        this.owner = owner;
        this.queue = queue;
        this.ownLoops = ownLoops;
    }

    /** Completes when the close is over (any thread). */
    CompletableFuture<Void> future() {
        return done;
    }

    /**
     * Blocks until the close is over, a little longer than the close timeout at most; a close that overruns
     * or fails is logged, not thrown, since the caller can do nothing more about it. Never on the client's loop.
     */
    void awaitQuietly(Duration closeTimeout, Object client) {
        try {
            done.get(closeTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            log.log(System.Logger.Level.WARNING, () -> "close of " + client + " did not finish in time");
        } catch (Exception e) {
            log.log(System.Logger.Level.DEBUG, () -> "close of " + client + " failed", e);
        }
    }

    /** An error no retry can fix closes the client: operations failed from now on carry it as their cause. */
    void fatal(Throwable cause) {
        fatalCause = cause;
    }

    /**
     * The exception that fails operations once the client is closed. A close the application asked for makes
     * one, without a stack trace (it would only show the event loop), and shares it among everything it fails;
     * a close after a fatal error makes one each time, with the fatal error as its cause.
     */
    ClientClosedException closedException() {
        if (fatalCause != null) {
            return new ClientClosedException("client closed: " + fatalCause.getMessage(), fatalCause);
        }
        ClientClosedException e = closed;
        if (e == null) {
            closed = e = StacklessExceptions.closed("client closed");
        }
        return e;
    }

    /**
     * Closes gracefully within {@code timeoutNanos}.
     *
     * @param current the connection in use or being dialled, or null
     */
    void beginGraceful(Scheduler scheduler, long timeoutNanos, Connection current) {
        deadline = scheduler.schedule(this::closeNow, timeoutNanos);
        if (current != null && !current.isOpen()) {
            current.close(closedException()); // still handshaking: nothing of ours is on it yet
        }
        queue.writeAllBuffered();
        if (queue.nothingInFlight()) {
            lastRequestDone();
        }
    }

    /** The last request in flight is done: each connection closes once its writes are out. */
    void lastRequestDone() {
        for (Connection c : owner.connections()) {
            c.closeAfterWrites();
        }
        finishIfOver();
    }

    /** Fails what is buffered and shuts every connection, without waiting: a fatal error, or the deadline. */
    void closeNow() {
        deadline = null;
        queue.failBuffered(closedException());
        for (Connection c : owner.connections()) {
            c.close(closedException());
        }
        finishIfOver();
    }

    /** Finishes the close once no connection is left to report its end; called again as each one does. */
    void finishIfOver() {
        if (done.isDone() || !owner.connections().isEmpty()) {
            return; // a connection has yet to report its end
        }
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        queue.close(closedException());
        if (ownLoops != null) {
            ownLoops.shutdownAsync(SHUTDOWN_MILLIS, () -> done.complete(null));
        } else {
            done.complete(null);
        }
    }
}
