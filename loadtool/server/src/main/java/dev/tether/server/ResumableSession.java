package dev.tether.server;

import dev.tether.protocol.Ack;
import dev.tether.protocol.Send;
import java.util.Arrays;

/**
 * The part of a session that outlives its socket when resumption is on (PROTOCOL.md §13): its id and token,
 * the next SEND sequence it expects, and the {@linkplain ReplayWindow replay window} of its pushes. Attached to
 * one connection ({@link Session}) at a time, or detached and kept by the {@link SessionStore} until its
 * time-to-live passes.
 *
 * <p>Its connection's event loop, the threads that publish pushes, the sweeper and a resuming connection on
 * another event loop all reach it, so its state is guarded by its monitor (uncontended nearly always: one
 * connection at a time, a publisher now and then). Pushes are added to the window by the publisher and written
 * to the connection only by the connection's own event loop ({@link #writePending}), in sequence order: a
 * session that moves to another connection while a push is on its way can neither lose it nor get it twice.
 */
final class ResumableSession {
    /**
     * What a session costs against the memory budget besides its window's entries: this object, its token and
     * id, its empty window, the store's map entry. Measured as the heap growth per detached session over 5,000
     * detached sessions (about 870 bytes on a 64-bit JDK 17 with compressed references), rounded up.
     */
    static final long STATE_BYTES = 1024;

    final String sessionId;
    final byte[] token;
    /** The token as the store's key. */
    final Key key;
    private final SessionStore store;
    private final ReplayWindow window;
    private long pushesWritten; // the next push sequence to write on the attached connection
    private long pushesAcknowledged;
    private long sendsExpected; // the next send sequence; every one below it was delivered
    private boolean ackDue; // a sequenced send arrived in the attached connection's current read batch
    private Session attached;
    private long detachedSinceNanos;
    private long charged; // what this session has added to the memory budget
    private boolean ended;

    ResumableSession(SessionStore store, String sessionId, byte[] token, ReplayWindow window) {
        this.store = store;
        this.sessionId = sessionId;
        this.token = token;
        this.key = key(token);
        this.window = window;
    }

    static Key key(byte[] token) {
        return new Key(token);
    }

    /** A resume token as a map key: compared by content. */
    static final class Key {
        private final byte[] token;
        private final int hash;

        private Key(byte[] token) {
            this.token = token;
            this.hash = Arrays.hashCode(token);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(token, k.token);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    // ---- the attached connection, on its event loop ----

    /**
     * A SEND of the attached connection: whether to hand it to the application. The expected sequence is
     * delivered; a lower one is a duplicate (a retransmission of a send that was delivered), dropped and counted;
     * a higher one cannot happen on an ordered stream and closes the connection with {@code PROTOCOL_ERROR}.
     * Sends arriving on a connection the session has moved away from are not delivered (the client sends them
     * again on the new one).
     */
    boolean acceptSend(Session conn, Send send) {
        long sequence = send.sequence();
        String error;
        synchronized (this) {
            if (attached != conn) {
                return false;
            }
            if (sequence == sendsExpected) {
                sendsExpected++;
                ackDue = true;
                return true;
            }
            if (sequence != Send.NO_SEQUENCE && sequence < sendsExpected) {
                ackDue = true; // the next ACK covers it again, in case the client missed the last one
                store.counters.sendDuplicatesDropped.increment();
                return false;
            }
            error = sequence == Send.NO_SEQUENCE ? "SEND without a sequence in a session with resumption on"
                    : "SEND sequence " + sequence + " skips ahead: expected " + sendsExpected;
        }
        conn.protocolError(error);
        return false;
    }

    /** At the end of a read batch: the ACK to write if sequenced sends arrived in it, else {@code null}. */
    synchronized Ack takeAckDue(Session conn) {
        if (!ackDue || attached != conn) {
            return null;
        }
        ackDue = false;
        return new Ack(sendsExpected);
    }

    /**
     * The client's ACK: it has every push below {@code sequence}; those leave the window. A lower ACK than an
     * earlier one is ignored; one above what was written is {@code PROTOCOL_ERROR}.
     */
    void acknowledge(Session conn, long sequence) {
        long written;
        synchronized (this) {
            if (attached != conn || sequence <= pushesAcknowledged) {
                return;
            }
            written = pushesWritten;
            if (sequence <= written) {
                pushesAcknowledged = sequence;
                window.acknowledge(sequence);
                recharge();
                return;
            }
        }
        conn.protocolError("ACK " + sequence + " acknowledges pushes never sent: " + written + " were");
    }

    /**
     * Writes the pushes the attached connection has not been given yet, in order (a resume's replay, then what
     * arrived since), without flushing. Returns how many were written.
     */
    synchronized int writePending(Session conn) {
        if (attached != conn || ended) {
            return 0;
        }
        int n = 0;
        long next = window.next();
        for (long seq = Math.max(pushesWritten, window.lo()); seq < next; seq++) {
            conn.writePush(window.get(seq), seq);
            n++;
        }
        pushesWritten = next;
        return n;
    }

    // ---- the store ----

    /** Attaches a new session to its first connection. */
    synchronized void attachFirst(Session conn) {
        attached = conn;
        recharge();
    }

    /**
     * Moves the session to {@code conn}, taking it from the connection that had it (which is closed), and works out
     * what the client lacks. Returns {@code null} if the session has ended, or has been detached for its
     * time-to-live (the sweep has not come by yet: the caller ends it).
     *
     * @param pushesReceived the client's count of pushes received in order (the next it expects), or -1 if it gave none (0)
     * @throws IllegalArgumentException if the client claims pushes the session never had
     */
    Resumed resume(Session conn, long pushesReceived, long nowNanos, long ttlNanos) {
        Session old;
        Resumed resumed;
        synchronized (this) {
            if (ended || attached == null && nowNanos - detachedSinceNanos >= ttlNanos) {
                return null;
            }
            long r = Math.max(0, pushesReceived);
            long next = window.next();
            if (r > next) {
                throw new IllegalArgumentException("pushesReceived " + r + " is more than the " + next + " pushes this session had");
            }
            old = attached;
            attached = conn;
            if (old == null) {
                store.detached.decrementAndGet();
            }
            long lo = window.lo();
            long lost = Math.max(0, lo - r);
            window.acknowledge(r);
            pushesAcknowledged = Math.max(pushesAcknowledged, r);
            pushesWritten = window.lo(); // the replay starts here: max(r, lo)
            ackDue = false;
            resumed = new Resumed(sendsExpected, lost, next - pushesWritten);
            recharge();
        }
        if (old != null) {
            old.takenOver();
        }
        return resumed;
    }

    /** What a resumed WELCOME tells the client. */
    record Resumed(long sendsReceived, long pushesLost, long pushesReplayed) {
    }

    /** The connection is gone: keep the session for its time-to-live (unless it moved on or ended). */
    synchronized void detach(Session conn, long nowNanos) {
        if (attached != conn || ended) {
            return;
        }
        attached = null;
        detachedSinceNanos = nowNanos;
        ackDue = false;
        store.detached.incrementAndGet();
        recharge();
    }

    /**
     * Adds {@code push} to the window (the attached connection's event loop writes it), trimming the window to
     * its bounds. Returns false if the session has ended.
     */
    synchronized boolean offer(OutboundPush push, long nowNanos) {
        if (ended) {
            return false;
        }
        window.add(push, nowNanos);
        trim(nowNanos);
        return true;
    }

    /** The sweep: ages the window; ends the session if it has been detached for its time-to-live. Returns true if it ended. */
    synchronized boolean sweep(long nowNanos, long ttlNanos) {
        if (ended) {
            return false;
        }
        if (attached == null && nowNanos - detachedSinceNanos >= ttlNanos) {
            end();
            return true;
        }
        trim(nowNanos);
        return false;
    }

    private void trim(long nowNanos) {
        // Pushes not yet written to a live connection are its queue: never dropped (see ReplayWindow).
        int dropped = window.trim(attached != null ? pushesWritten : Long.MAX_VALUE, nowNanos);
        if (dropped > 0) {
            store.counters.pushesDroppedFromWindow.add(dropped);
        }
        recharge();
    }

    synchronized boolean isDetached() {
        return attached == null && !ended;
    }

    synchronized boolean isEnded() {
        return ended;
    }

    synchronized long detachedSinceNanos() {
        return detachedSinceNanos;
    }

    synchronized long chargedBytes() {
        return charged;
    }

    /**
     * Ends the session: its window is released, its memory given back, and it leaves the store. Exactly once:
     * returns false if it had already ended.
     */
    synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        window.clear();
        if (attached == null) {
            store.detached.decrementAndGet();
        }
        attached = null;
        store.budget.add(-charged);
        charged = 0;
        store.remove(this);
        return true;
    }

    /** Ends the session if {@code conn} still has it (its client closed it there); see {@link #end()}. */
    synchronized boolean endFrom(Session conn) {
        return attached == conn && end();
    }

    private void recharge() {
        long now = ended ? 0 : STATE_BYTES + window.chargedBytes();
        long delta = now - charged;
        if (delta != 0) {
            charged = now;
            store.budget.add(delta);
            if (delta > 0) {
                store.checkBudget();
            }
        }
    }

    /** Test seam. */
    synchronized long sendsExpected() {
        return sendsExpected;
    }

    /** Test seam. */
    synchronized ReplayWindow window() {
        return window;
    }
}
