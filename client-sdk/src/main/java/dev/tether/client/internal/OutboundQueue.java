package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.ServerErrorException;
import dev.tether.client.SessionLostException;
import dev.tether.client.UnacknowledgedSends;
import dev.tether.protocol.ErrorMessage;
import dev.tether.protocol.Protocol;
import dev.tether.protocol.Request;
import dev.tether.protocol.Send;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The application's requests and sends on their way out, and the requests' way back: writes an operation
 * to the open connection when it can, buffers it in the {@link SendBuffer} while it cannot (no open
 * connection, or a channel that is not writable), matches responses to requests, times requests out
 * ({@link RequestTimeouts}), and fails what a lost connection or a close leaves behind. Keeps the count of
 * requests in flight.
 *
 * <p>With session resumption on (PROTOCOL.md §13) it numbers each send as it writes it and keeps it, inside the
 * send buffer's bounds, until the server's cumulative ACK covers it, which completes its future; after a
 * reconnect that resumed the session, the sends the server did not receive go back to the front of the buffer
 * and are written again, with the same sequences, before anything newer; after one that did not, they follow
 * the client's {@link UnacknowledgedSends} policy. Confined to the client's event loop.
 */
final class OutboundQueue {
    private static final System.Logger log = Logs.CLIENT;

    /** What the queue needs to know of, and tell, the client that owns it. */
    interface Owner {
        ConnectionState state();

        /** The exception that fails operations once the client is closed. */
        ClientClosedException closedException();

        /** The client is closing and its last request in flight is done (and its last send acknowledged). */
        void onLastRequestDone();

        /**
         * {@code c}'s session has numbered all the sends an acknowledgement can cover (2^63-1): the connection
         * must end and the next one start a new session.
         */
        void onSequencesExhausted(Connection c);
    }

    private final Owner owner;
    private final ClientCounters counters;
    private final EventLoop loop;
    /** Runs a task on the loop (or fails it if the client's loop is gone). */
    private final Executor onLoop;
    /**
     * Created at the first operation that must wait or be kept (an idle client, or one whose writes all go straight
     * out, never needs one), as are {@link #timeouts} at the first request. Written only on the loop; the stats
     * getters read it from any thread, which is safe without a lock: a racy read sees null (nothing buffered) or
     * a buffer whose bounds are final and whose counters are volatile.
     */
    private SendBuffer buffer;
    private RequestTimeouts timeouts;
    private final Scheduler scheduler;
    /** The send buffer's bounds are read from it when the buffer is made (one reference instead of two numbers). */
    private final ClientConfig config;
    private final int maxFrameLength;
    /** Whether sends may carry a sequence number (resumption is configured on): the worst case for size checks. */
    private final boolean mayNumber;
    /** The open connection operations are written to; null while there is none (they wait in the buffer). */
    private Connection target;
    /** Whether the session numbers and keeps its sends (resumption is on); set at each handshake. */
    private boolean numbered;
    /** The sequence of the next send written in the session. */
    private long nextSequence;
    /** The first send sequence of a fresh session: 0, other values only in tests. */
    private long firstSequence;

    OutboundQueue(Owner owner, ClientCounters counters, EventLoop loop, Executor onLoop, Scheduler scheduler,
                  ClientConfig config) {
        this.owner = owner;
        this.counters = counters;
        this.loop = loop;
        this.onLoop = onLoop;
        this.scheduler = scheduler;
        this.config = config;
        this.maxFrameLength = config.maxFrameLength();
        this.mayNumber = config.resumption();
    }

    /** The send buffer, created at first use (see {@link #buffer}). On the loop. */
    private SendBuffer buffer() {
        SendBuffer b = buffer;
        if (b == null) {
            b = buffer = new SendBuffer(config.sendBufferMessages(), config.sendBufferBytes());
        }
        return b;
    }

    /** Whether nothing waits in the buffer (true while there is none). */
    private boolean bufferEmpty() {
        SendBuffer b = buffer;
        return b == null || b.isEmpty();
    }

    /** Stops {@code r}'s clock, if any request ever started one. */
    private void removeTimeout(RequestOp r) {
        RequestTimeouts t = timeouts;
        if (t != null) {
            t.remove(r);
        }
    }

    /** Whether the send buffer exists yet (tests: an idle client has none). */
    boolean hasBuffer() {
        return buffer != null;
    }

    /** Whether the request timeouts exist yet (tests: a client that never requested has none). */
    boolean hasTimeouts() {
        return timeouts != null;
    }

    /** Tests: fresh sessions number their sends from {@code sequence} (to reach the sequences' limit). */
    void startSequencesAt(long sequence) {
        firstSequence = sequence;
        nextSequence = sequence;
    }

    // ---- operations in ----

    /**
     * Takes a request from any thread: checks its size here, the rest happens on the loop, at once when called
     * there (from a response callback, say), else in a task that is the op itself (no lambda per request).
     */
    void request(RequestOp op) {
        if (!rejectIfTooLarge(op)) {
            startOnLoop(op);
        }
    }

    /** Starts {@code op} now if called on the loop, else in a task on the loop ({@code op} itself). Any thread. */
    void startOnLoop(RequestOp op) {
        if (loop.inEventLoop()) {
            startRequest(op);
        } else {
            onLoop.execute(op);
        }
    }

    /** Takes a send from any thread, as {@link #request}. */
    void send(SendOp op) {
        if (!rejectIfTooLarge(op)) {
            if (loop.inEventLoop()) {
                submit(op);
            } else {
                onLoop.execute(() -> submit(op));
            }
        }
    }

    /** Fails {@code op} if its frame exceeds the client's maximum frame length; returns whether it did. Any thread. */
    private boolean rejectIfTooLarge(Op<?> op) {
        long frameLength = op.frameSize(mayNumber) - Protocol.LENGTH_FIELD_SIZE;
        if (frameLength <= maxFrameLength) {
            return false;
        }
        op.fail(new IllegalArgumentException("payload of " + op.payload.length + " bytes exceeds maxFrameLength "
                + maxFrameLength + " (frame would be " + frameLength + ")"));
        return true;
    }

    /** On the loop: starts the request's clock and writes or buffers it, once. */
    private void startRequest(RequestOp op) {
        if (op.started || op.isDone()) {
            return; // started already, or cancelled before it reached the loop
        }
        op.started = true;
        if (owner.state() != ConnectionState.CLOSED) {
            RequestTimeouts t = timeouts;
            if (t == null) {
                t = timeouts = new RequestTimeouts(scheduler, this::onRequestTimeout);
            }
            t.add(op);
        }
        submit(op);
    }

    /** Writes {@code op} at once if the open connection takes it, else buffers it (or fails it: buffer full, closed). */
    private void submit(Op<?> op) {
        if (owner.state() == ConnectionState.CLOSED) {
            op.fail(owner.closedException());
            return;
        }
        if (op.isDone()) {
            return;
        }
        Connection c = target;
        if (c != null && bufferEmpty() && c.channel().isWritable() && (!keeps(op) || buffer().hasRoomFor(op))) {
            writeAndFlush(c, op);
        } else if (!buffer().offer(op)) {
            SendBuffer buffer = this.buffer;
            int awaiting = buffer.awaiting();
            op.fail(new SendBufferFullException("send buffer full (" + (buffer.size() + awaiting) + "/" + buffer.maxMessages()
                    + " messages, " + (buffer.bytes() + buffer.awaitingBytes()) + "/" + buffer.maxBytes() + " bytes"
                    + (awaiting > 0 ? ", " + awaiting + " of them sent and awaiting acknowledgement" : "") + ") while "
                    + owner.state() + "; rejected a " + op.payload.length + "-byte payload"));
        }
    }

    /** Whether writing {@code op} keeps it until acknowledged (so it must fit in the bounds once written). */
    private boolean keeps(Op<?> op) {
        return numbered && op instanceof SendOp;
    }

    // ---- the connection written to ----

    /** {@code c} completed its handshake (after one of the session calls below): write what waited for it. */
    void connected(Connection c) {
        target = c;
        writeBufferedWhileWritable();
    }

    // ---- sessions (each handshake calls one of these before connected) ----

    /**
     * A new session with nothing to carry over (the first, or resumption off): sends are numbered from the start
     * if {@code numbered}.
     */
    void sessionStarted(boolean numbered) {
        this.numbered = numbered;
        nextSequence = firstSequence;
    }

    /**
     * The server resumed the session and has received every send below {@code sendsReceived}: those complete,
     * the rest go back to the front of the buffer, to be written again with the same sequences. Returns false
     * (and changes nothing) if {@code sendsReceived} is more than was ever sent: a protocol error.
     */
    boolean resumed(long sendsReceived) {
        if (sendsReceived > nextSequence) {
            return false;
        }
        acknowledgeBelow(sendsReceived);
        numbered = true;
        nextSequence = sendsReceived;
        counters.sendsRetransmitted(buffer == null ? 0 : buffer.requeueAwaiting());
        return true;
    }

    /** Sends written and not acknowledged when a session could not be resumed. */
    int unacknowledged() {
        return awaitingAck();
    }

    /**
     * A session could not be resumed: its unacknowledged sends are written again on the new one, first, or fail
     * with {@code lost}, as {@code policy} says. The new session numbers its sends if {@code numbered}.
     */
    void sessionLost(UnacknowledgedSends policy, SessionLostException lost, boolean numbered) {
        SendBuffer buffer = this.buffer;
        if (buffer == null) {
            // nothing was ever kept
        } else if (policy == UnacknowledgedSends.RESEND) {
            counters.sendsResentAfterSessionLoss(buffer.requeueAwaiting());
        } else {
            counters.sendsFailedOnSessionLoss(buffer.awaiting()); // first: a failed future's callback sees the count
            buffer.failAwaiting(lost);
        }
        sessionStarted(numbered);
    }

    /**
     * The server's ACK: it has every send below {@code sequence}. Returns false if that is more than was sent, or
     * the session does not number its sends: a protocol error. A lower ACK than an earlier one changes nothing.
     */
    boolean acknowledge(long sequence) {
        if (!numbered || sequence > nextSequence) {
            return false;
        }
        if (acknowledgeBelow(sequence) > 0 && owner.state() == ConnectionState.CLOSED && nothingInFlight()) {
            owner.onLastRequestDone();
        }
        return true;
    }

    private int acknowledgeBelow(long sequence) {
        SendBuffer buffer = this.buffer;
        if (buffer == null) {
            return 0;
        }
        int n = 0;
        for (Op<?> s = buffer.oldestAwaiting(); s != null && ((SendOp) s).sequence < sequence; s = s.next) {
            n++;
        }
        if (n == 0) {
            return 0;
        }
        counters.sendsAcknowledged(n); // first: whoever a completed future wakes sees the count
        for (int i = 0; i < n; i++) {
            buffer.pollAwaiting().complete(null);
        }
        return n;
    }

    /** The next send sequence of the session (what an ACK may reach at most). */
    long nextSequence() {
        return nextSequence;
    }

    /** The open connection was lost or is going away: operations wait in the buffer from now on. */
    void disconnected() {
        target = null;
    }

    void onWritable(Connection c) {
        if (c == target) {
            writeBufferedWhileWritable();
        }
    }

    /** The client closes gracefully: writes every buffered operation to the open connection, if any; fails the rest. */
    void writeAllBuffered() {
        Connection c = target;
        SendBuffer buffer = this.buffer;
        if (c != null) {
            for (Op<?> op; buffer != null && target == c && (op = buffer.poll()) != null; ) {
                if (!op.isDone()) {
                    writeWithoutFlush(c, op);
                }
            }
            c.channel().flush();
        }
        failBuffered(owner.closedException());
    }

    private void writeBufferedWhileWritable() {
        Connection c = target;
        if (c == null || bufferEmpty()) {
            return;
        }
        boolean wrote = false;
        while (target == c && c.channel().isWritable()) {
            Op<?> op = buffer.poll();
            if (op == null) {
                break;
            }
            if (!op.isDone()) {
                writeWithoutFlush(c, op);
                wrote = true;
            }
        }
        if (wrote) {
            c.channel().flush();
        }
    }

    private void writeAndFlush(Connection c, Op<?> op) {
        Object frame = frame(c, op);
        if (frame != null) {
            c.channel().writeAndFlush(frame, promise(c.channel(), op));
        }
    }

    private void writeWithoutFlush(Connection c, Op<?> op) {
        Object frame = frame(c, op);
        if (frame != null) {
            c.channel().write(frame, promise(c.channel(), op));
        }
    }

    /**
     * The message for {@code op} on {@code c} (a request is registered there, a numbered send kept), or null if
     * {@code op} was failed or must wait for the next session.
     */
    private Object frame(Connection c, Op<?> op) {
        if (op.frameSize(numbered) - Protocol.LENGTH_FIELD_SIZE > c.serverMaxFrameLength()) {
            op.fail(new IllegalArgumentException("payload of " + op.payload.length + " bytes exceeds the server's max frame length "
                    + c.serverMaxFrameLength()));
            return null;
        }
        if (op instanceof RequestOp r) {
            long id = c.registry().register(r);
            r.connection = c;
            counters.requestWritten();
            return new Request(id, r.payload);
        }
        SendOp s = (SendOp) op;
        if (!numbered) {
            s.sequence = SendOp.UNSEQUENCED;
            return new Send(s.payload);
        }
        if (nextSequence == Long.MAX_VALUE) {
            // An ACK (a count, at most 2^63-1) could never cover this one: it waits for a new session.
            buffer().pushFront(s);
            target = null;
            owner.onSequencesExhausted(c);
            return null;
        }
        s.sequence = nextSequence++;
        buffer().retain(s);
        return new Send(s.sequence, s.payload);
    }

    /**
     * A send written without a number learns when it is written; a numbered one completes on its ACK, and a
     * request on its answer: they need no promise.
     */
    private static ChannelPromise promise(Channel ch, Op<?> op) {
        return op instanceof SendOp s && s.sequence == SendOp.UNSEQUENCED ? ch.newPromise().addListener(s) : ch.voidPromise();
    }

    // ---- answers ----

    void completeRequest(Connection c, long id, byte[] payload) {
        RequestOp r = takeInFlight(c, id);
        if (r != null) {
            r.complete(payload);
            requestDone(c);
        }
    }

    void failRequest(Connection c, ErrorMessage error) {
        RequestOp r = takeInFlight(c, error.id());
        if (r != null) {
            r.completeExceptionally(new ServerErrorException(error.code(), error.text()));
            requestDone(c);
        }
    }

    private RequestOp takeInFlight(Connection c, long id) {
        RequestOp r = c.removeRequest(id);
        if (r == null) {
            counters.answerDropped();
            log.log(Level.DEBUG, () -> c + ": answer to unknown, timed-out or cancelled request " + id + " dropped");
            return null;
        }
        counters.requestsDone(1);
        removeTimeout(r);
        return r;
    }

    /**
     * The application cancelled {@code r}'s future (any thread): on the loop, the request leaves the buffer, or
     * the requests in flight (its id is never reused, so a late answer finds nothing and is dropped).
     */
    void cancel(RequestOp r) {
        if (loop.inEventLoop()) {
            withdraw(r);
        } else {
            onLoop.execute(() -> withdraw(r));
        }
    }

    private void withdraw(RequestOp r) {
        removeTimeout(r);
        if (r.inBuffer) {
            buffer.remove(r);
            return;
        }
        Connection c = r.connection;
        if (c != null && c.removeRequest(r.id) != null) {
            counters.requestsDone(1);
            requestDone(c);
        }
    }

    /** A request is done one way or another: its deadline no longer matters. */
    void stopClock(RequestOp r) {
        removeTimeout(r);
    }

    private void onRequestTimeout(RequestOp r) {
        if (r.isDone()) {
            return;
        }
        Connection c = r.connection;
        if (r.inBuffer) {
            buffer.remove(r);
        } else if (c != null && c.removeRequest(r.id) != null) {
            counters.requestsDone(1);
        }
        r.completeExceptionally(new RequestTimeoutException("no response to request " + r.id
                + (c == null ? " (still in the send buffer, " + owner.state() + ")" : " from " + Connection.describe(c.endpoint))
                + " within " + Duration.ofNanos(r.timeoutNanos).toMillis() + " ms"));
        if (c != null) {
            requestDone(c);
        }
    }

    private void requestDone(Connection c) {
        if (c.state() == Connection.State.DRAINING && c.requestsInFlight() == 0) {
            c.close(new ConnectionLostException("drained after go-away"));
        } else if (owner.state() == ConnectionState.CLOSED && nothingInFlight()) {
            owner.onLastRequestDone();
        }
    }

    void onSendFailed(SendOp s, Throwable cause) {
        if (owner.state() == ConnectionState.CLOSED) {
            s.completeExceptionally(new ClientClosedException("client closed before the send was written", cause));
        } else {
            s.completeExceptionally(new ConnectionLostException(
                    "connection lost before the send was written: " + cause, cause));
        }
    }

    // ---- failing what is left ----

    /** {@code c} is gone: its unanswered requests fail with {@code cause}. */
    void failInFlight(Connection c, Throwable cause) {
        List<RequestOp> ops = c.drainRequests();
        counters.requestsDone(ops.size());
        for (RequestOp r : ops) {
            r.fail(cause);
        }
    }

    void failBuffered(Throwable cause) {
        if (buffer != null) {
            buffer.failAll(cause);
        }
    }

    /** The client has closed: fails what is still buffered or awaiting its acknowledgement, and stops the timer. */
    void close(Throwable cause) {
        if (buffer != null) {
            buffer.failAll(cause);
            buffer.failAwaiting(cause);
        }
        if (timeouts != null) {
            timeouts.cancel();
        }
    }

    /**
     * Whether a graceful close has nothing left to wait for: no request in flight, and no send awaiting an
     * acknowledgement that an open connection could still bring.
     */
    boolean nothingInFlight() {
        return counters.requestsInFlightOnLoop() == 0 && (target == null || awaitingAck() == 0);
    }

    /** Operations waiting in the buffer; any thread. */
    int bufferedCount() {
        SendBuffer b = buffer;
        return b == null ? 0 : b.size();
    }

    /** Payload bytes waiting in the buffer; any thread. */
    long bufferedBytes() {
        SendBuffer b = buffer;
        return b == null ? 0 : b.bytes();
    }

    /** Sends written and awaiting their acknowledgement; any thread. */
    int awaitingAck() {
        SendBuffer b = buffer;
        return b == null ? 0 : b.awaiting();
    }
}
