package dev.tether.server;

/**
 * The pushes of one resumable session that its client has not acknowledged yet: sequences
 * {@code [lo, next)}, oldest first, each with the time it was added. On a resume the server writes again
 * the part the client did not receive.
 *
 * <p>Bounded by count, payload bytes and age: {@link #trim} drops the oldest entries while any bound is
 * exceeded, but never the newest one (a push larger than the byte bound is still delivered) and never one
 * at or above the given sequence (the pushes not yet written to the session's live connection: the window
 * is also that connection's queue, and a live connection loses nothing). Each dropped push is one the
 * client will be told it lost if it resumes without having received it.
 *
 * <p>A ring of references: about 16 bytes per entry besides the shared payload ({@link #ENTRY_BYTES}); an
 * empty window allocates no ring.
 * Not thread-safe: its {@link ResumableSession} guards it.
 */
final class ReplayWindow {
    /** What one entry costs besides its payload: a reference and a time in two rings. */
    static final long ENTRY_BYTES = 16;
    private static final int INITIAL_CAPACITY = 8;
    // An idle session's window holds nothing: its rings are allocated with its first push.
    private static final OutboundPush[] NO_PUSHES = new OutboundPush[0];
    private static final long[] NO_TIMES = new long[0];

    private final int maxMessages;
    private final long maxBytes;
    private final long maxAgeNanos;
    private OutboundPush[] pushes = NO_PUSHES;
    private long[] addedNanos = NO_TIMES;
    private int head; // index of the entry with sequence lo
    private int size;
    private long next;
    private long payloadBytes;

    ReplayWindow(int maxMessages, long maxBytes, long maxAgeNanos) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The sequence of the oldest push held ({@link #next()} when empty). */
    long lo() {
        return next - size;
    }

    /** The sequence the next push gets: the number of pushes this session was given. */
    long next() {
        return next;
    }

    int size() {
        return size;
    }

    /** Payload bytes held. */
    long payloadBytes() {
        return payloadBytes;
    }

    /** What the window holds against the memory budget: its payloads and {@link #ENTRY_BYTES} per entry. */
    long chargedBytes() {
        return payloadBytes + size * ENTRY_BYTES;
    }

    /** Adds {@code push} (taking a reference to it) with the next sequence, and returns that sequence. */
    long add(OutboundPush push, long nowNanos) {
        if (size == pushes.length) {
            grow();
        }
        int i = (head + size) & (pushes.length - 1);
        pushes[i] = push.retain();
        addedNanos[i] = nowNanos;
        size++;
        payloadBytes += push.payloadLength();
        return next++;
    }

    /** The push with {@code sequence}, which must be in {@code [lo, next)}. */
    OutboundPush get(long sequence) {
        long lo = lo();
        if (sequence < lo || sequence >= next) {
            throw new IndexOutOfBoundsException("sequence " + sequence + " not in [" + lo + ", " + next + ")");
        }
        return pushes[(int) ((head + (sequence - lo)) & (pushes.length - 1))];
    }

    /**
     * The client has every push below {@code sequence}: drops them. An acknowledgement below {@link #lo()}
     * drops nothing; one above {@link #next()} is the caller's to refuse.
     *
     * @return the number of entries dropped
     */
    int acknowledge(long sequence) {
        int n = 0;
        while (size > 0 && lo() < sequence) {
            dropOldest();
            n++;
        }
        if (size == 0 && pushes.length > 8 * INITIAL_CAPACITY) {
            // A window that grew while its session was away shrinks back once the client has caught up.
            pushes = NO_PUSHES;
            addedNanos = NO_TIMES;
            head = 0;
        }
        return n;
    }

    /**
     * Drops the oldest entries while the window holds more than its count or byte bound, or holds entries
     * older than its age bound; keeps the newest entry and every entry at or above {@code keepFrom}.
     *
     * @return the number of entries dropped
     */
    int trim(long keepFrom, long nowNanos) {
        int n = 0;
        while (size > 1 && lo() < keepFrom
                && (size > maxMessages || payloadBytes > maxBytes || nowNanos - addedNanos[head] >= maxAgeNanos)) {
            dropOldest();
            n++;
        }
        if (size == 1 && lo() < keepFrom && nowNanos - addedNanos[head] >= maxAgeNanos) {
            dropOldest(); // the newest is kept against the count and byte bounds, not past its age
            n++;
        }
        return n;
    }

    /** Drops everything (the session ends); the sequence counter stays. */
    int clear() {
        int n = size;
        while (size > 0) {
            dropOldest();
        }
        return n;
    }

    private void dropOldest() {
        OutboundPush p = pushes[head];
        pushes[head] = null;
        head = (head + 1) & (pushes.length - 1);
        size--;
        payloadBytes -= p.payloadLength();
        p.release();
    }

    private void grow() {
        int capacity = Math.max(INITIAL_CAPACITY, pushes.length * 2);
        OutboundPush[] p = new OutboundPush[capacity];
        long[] t = new long[capacity];
        for (int k = 0; k < size; k++) {
            int from = (head + k) & (pushes.length - 1);
            p[k] = pushes[from];
            t[k] = addedNanos[from];
        }
        pushes = p;
        addedNanos = t;
        head = 0;
    }
}
