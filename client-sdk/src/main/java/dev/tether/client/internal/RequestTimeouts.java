package dev.tether.client.internal;

import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The deadlines of a client's pending requests, with one timer for all of them instead of one per
 * request. Requests are kept in a list ordered by deadline; since most share the configured timeout, a new
 * request goes at the tail in O(1), and an answered one leaves in O(1) without touching the timer.
 *
 * <p>The single timer is never cancelled when the list empties: it stays armed for the deadline it was set
 * for, and when it fires it expires what is due and re-arms, for the head's deadline, only if a request is
 * still pending. A new request whose deadline is later than the armed timer's changes nothing. So a client
 * with one request at a time (a closed loop, where each answer empties the list and the next request refills
 * it) schedules one timer per timeout period instead of one per request; scheduling and cancelling a timer task
 * per request (a heap insert and removal in the event loop's timer queue) cost about a tenth of the client's CPU
 * per request. A client with nothing pending holds no timer once the last one has fired. Confined to the
 * client's event loop.
 */
final class RequestTimeouts {
    private final Scheduler scheduler;
    private final Consumer<RequestOp> onTimeout;
    private final Runnable fire = this::fire;
    private RequestOp head;
    private RequestOp tail;
    private Future<?> timer;
    private long timerDeadline;
    private int size;

    RequestTimeouts(Scheduler scheduler, Consumer<RequestOp> onTimeout) {
        this.scheduler = scheduler;
        this.onTimeout = onTimeout;
    }

    /** Starts the clock of {@code op}: it times out {@code op.timeoutNanos} from now unless removed first. */
    void add(RequestOp op) {
        long now = scheduler.nanoTime();
        op.deadline = now + op.timeoutNanos;
        RequestOp after = tail;
        while (after != null && after.deadline - op.deadline > 0) {
            after = after.tPrev; // a shorter timeout than those before it: walk back (rare)
        }
        op.tPrev = after;
        op.tNext = after == null ? head : after.tNext;
        if (op.tNext == null) {
            tail = op;
        } else {
            op.tNext.tPrev = op;
        }
        if (after == null) {
            head = op;
        } else {
            after.tNext = op;
        }
        op.timed = true;
        size++;
        if (timer == null || op.deadline - timerDeadline < 0) {
            arm(op.deadline, now); // the second case only for a shorter timeout than the armed one (rare)
        }
    }

    /** Stops the clock of {@code op} (answered, failed or cancelled). The timer stays armed (see the class doc). */
    void remove(RequestOp op) {
        if (!op.timed) {
            return;
        }
        if (op.tPrev == null) {
            head = op.tNext;
        } else {
            op.tPrev.tNext = op.tNext;
        }
        if (op.tNext == null) {
            tail = op.tPrev;
        } else {
            op.tNext.tPrev = op.tPrev;
        }
        op.tPrev = null;
        op.tNext = null;
        op.timed = false;
        size--;
    }

    int size() {
        return size;
    }

    /** Cancels the timer (the client is closed; the requests are failed by their owners). */
    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void arm(long deadline, long now) {
        if (timer != null) {
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = scheduler.schedule(fire, Math.max(0, deadline - now));
    }

    private void fire() {
        timer = null;
        long now = scheduler.nanoTime();
        while (head != null && head.deadline - now <= 0) {
            RequestOp op = head;
            remove(op);
            onTimeout.accept(op);
        }
        if (head != null && timer == null) {
            arm(head.deadline, now);
        }
    }

    /** Whether a timer is armed (tests). */
    boolean timerArmed() {
        return timer != null;
    }
}
