package dev.tether.client.internal;

/**
 * The bounded memory of the application's operations on their way out: the FIFO where sends and requests wait
 * while there is no usable connection (connecting, reconnecting, draining) or while the channel is not
 * writable (the server reads slower than we write), and, with session resumption, the sends written and kept
 * until the server acknowledges them. Bounded in messages and in payload bytes, both kinds together;
 * {@link #offer} and {@link #hasRoomFor} refuse instead of growing. Two intrusive lists: the waiting list is
 * doubly linked, so a request that times out while waiting leaves in O(1); the list of sends awaiting their
 * acknowledgement is in sequence order and leaves from its head (acknowledgements are cumulative).
 *
 * <p>Confined to the client's event loop; the counters are volatile only so that
 * {@link dev.tether.client.TetherClient#stats()} can read them from any thread.
 */
final class SendBuffer {
    private final int maxMessages;
    private final long maxBytes;
    private Op<?> head;
    private Op<?> tail;
    private volatile int size;
    private volatile long bytes;
    /** Sends written and awaiting their acknowledgement, oldest (lowest sequence) first, linked by {@code next}. */
    private SendOp awaitingHead;
    private SendOp awaitingTail;
    private volatile int awaiting;
    private long awaitingBytes;

    SendBuffer(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Whether {@code op} fits within the bounds, counting what waits and what awaits its acknowledgement. */
    boolean hasRoomFor(Op<?> op) {
        return size + awaiting < maxMessages && bytes + awaitingBytes + op.payload.length <= maxBytes;
    }

    /** Appends {@code op}, or returns false (and changes nothing) if that would exceed a bound. */
    boolean offer(Op<?> op) {
        if (!hasRoomFor(op)) {
            return false;
        }
        op.prev = tail;
        op.next = null;
        if (tail == null) {
            head = op;
        } else {
            tail.next = op;
        }
        tail = op;
        op.inBuffer = true;
        size = size + 1;
        bytes = bytes + op.payload.length;
        return true;
    }

    /** Puts {@code op}, just taken out, back at the front (it could not be written after all). */
    void pushFront(Op<?> op) {
        op.prev = null;
        op.next = head;
        if (head == null) {
            tail = op;
        } else {
            head.prev = op;
        }
        head = op;
        op.inBuffer = true;
        size = size + 1;
        bytes = bytes + op.payload.length;
    }

    /** Removes and returns the oldest operation, or null. */
    Op<?> poll() {
        Op<?> op = head;
        if (op != null) {
            remove(op);
        }
        return op;
    }

    /** Removes {@code op} if it is in this buffer. */
    void remove(Op<?> op) {
        if (!op.inBuffer) {
            return;
        }
        if (op.prev == null) {
            head = op.next;
        } else {
            op.prev.next = op.next;
        }
        if (op.next == null) {
            tail = op.prev;
        } else {
            op.next.prev = op.prev;
        }
        op.prev = null;
        op.next = null;
        op.inBuffer = false;
        size = size - 1;
        bytes = bytes - op.payload.length;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    int maxMessages() {
        return maxMessages;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Empties the waiting list, failing every operation with {@code cause}. */
    void failAll(Throwable cause) {
        for (Op<?> op; (op = poll()) != null; ) {
            op.fail(cause);
        }
    }

    // ---- sends awaiting their acknowledgement ----

    /** {@code s} was just written with the next sequence: keep it until acknowledged. Always fits (it left the bounds' count only to be written). */
    void retain(SendOp s) {
        s.prev = null;
        s.next = null;
        if (awaitingTail == null) {
            awaitingHead = s;
        } else {
            awaitingTail.next = s;
        }
        awaitingTail = s;
        awaiting = awaiting + 1;
        awaitingBytes += s.payload.length;
    }

    /** The oldest send awaiting its acknowledgement, or null. */
    SendOp oldestAwaiting() {
        return awaitingHead;
    }

    /** Removes and returns the oldest send awaiting its acknowledgement, or null. */
    SendOp pollAwaiting() {
        SendOp s = awaitingHead;
        if (s != null) {
            awaitingHead = (SendOp) s.next;
            if (awaitingHead == null) {
                awaitingTail = null;
            }
            s.next = null;
            awaiting = awaiting - 1;
            awaitingBytes -= s.payload.length;
        }
        return s;
    }

    /**
     * Moves every send awaiting its acknowledgement back to the front of the waiting list, in order, ahead of
     * whatever waits there: they are written again before anything newer. Returns how many moved.
     */
    int requeueAwaiting() {
        int n = 0;
        SendOp first = awaitingHead;
        if (first == null) {
            return 0;
        }
        // Detach the whole awaiting list, then link it in before the current head.
        SendOp last = awaitingTail;
        awaitingHead = null;
        awaitingTail = null;
        long moved = 0;
        Op<?> prev = null;
        for (Op<?> op = first; op != null; op = op.next) {
            op.prev = prev;
            op.inBuffer = true;
            moved += op.payload.length;
            n++;
            prev = op;
        }
        last.next = head;
        if (head != null) {
            head.prev = last;
        } else {
            tail = last;
        }
        head = first;
        awaiting = 0;
        awaitingBytes = 0;
        size = size + n;
        bytes = bytes + moved;
        return n;
    }

    /** Payload bytes of the sends awaiting their acknowledgement. */
    long awaitingBytes() {
        return awaitingBytes;
    }

    /** Sends written and awaiting their acknowledgement; any thread. */
    int awaiting() {
        return awaiting;
    }

    /** Empties the list of sends awaiting their acknowledgement, failing each with {@code cause}. */
    void failAwaiting(Throwable cause) {
        for (SendOp s; (s = pollAwaiting()) != null; ) {
            s.fail(cause);
        }
    }
}
