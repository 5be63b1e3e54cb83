package dev.tether.client.internal;

/**
 * The bounded FIFO where sends and requests wait while there is no usable connection (connecting,
 * reconnecting, draining) or while the channel is not writable (the server reads slower than we write).
 * Bounded in messages and in payload bytes; {@link #offer} refuses instead of growing. An intrusive
 * doubly linked list, so a request that times out while waiting leaves in O(1).
 *
 * <p>Confined to the client's event loop; the two counters are volatile only so that
 * {@link dev.tether.client.TetherClient#stats()} can read them from any thread.
 */
final class SendBuffer {
    private final int maxMessages;
    private final long maxBytes;
    private Op head;
    private Op tail;
    private volatile int size;
    private volatile long bytes;

    SendBuffer(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Appends {@code op}, or returns false (and changes nothing) if that would exceed a bound. */
    boolean offer(Op op) {
        int n = op.payload.length;
        if (size >= maxMessages || bytes + n > maxBytes) {
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
        bytes = bytes + n;
        return true;
    }

    /** Removes and returns the oldest operation, or null. */
    Op poll() {
        Op op = head;
        if (op != null) {
            remove(op);
        }
        return op;
    }

    /** Removes {@code op} if it is in this buffer. */
    void remove(Op op) {
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

    /** Empties the buffer, failing every operation with {@code cause}. */
    void failAll(Throwable cause) {
        for (Op op; (op = poll()) != null; ) {
            op.fail(cause);
        }
    }
}
