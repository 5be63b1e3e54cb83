package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionLostException;
import dev.tether.client.ConnectionState;
import dev.tether.client.RequestTimeoutException;
import dev.tether.client.SendBufferFullException;
import dev.tether.client.ServerErrorException;
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
 * requests in flight. Confined to the client's event loop.
 */
final class OutboundQueue {
    private static final System.Logger log = Logs.CLIENT;

    /** What the queue needs to know of, and tell, the client that owns it. */
    interface Owner {
        ConnectionState state();

        /** The exception that fails operations once the client is closed. */
        ClientClosedException closedException();

        /** The client is closing and its last request in flight is done. */
        void onLastRequestDone();
    }

    private final Owner owner;
    private final ClientCounters counters;
    private final EventLoop loop;
    /** Runs a task on the loop (or fails it if the client's loop is gone). */
    private final Executor onLoop;
    private final SendBuffer buffer;
    private final RequestTimeouts timeouts;
    private final int maxFrameLength;
    /** The open connection operations are written to; null while there is none (they wait in the buffer). */
    private Connection target;

    OutboundQueue(Owner owner, ClientCounters counters, EventLoop loop, Executor onLoop, Scheduler scheduler,
                  ClientConfig config) {
        this.owner = owner;
        this.counters = counters;
        this.loop = loop;
        this.onLoop = onLoop;
        this.buffer = new SendBuffer(config.sendBufferMessages(), config.sendBufferBytes());
        this.timeouts = new RequestTimeouts(scheduler, this::onRequestTimeout);
        this.maxFrameLength = config.maxFrameLength();
    }

    // ---- operations in ----

    /** Takes a request from any thread: checks its size here, the rest happens on the loop. */
    void request(RequestOp op) {
        if (!rejectIfTooLarge(op)) {
            if (loop.inEventLoop()) {
                startRequest(op);
            } else {
                onLoop.execute(() -> startRequest(op));
            }
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
    private boolean rejectIfTooLarge(Op op) {
        long frameLength = op.frameSize() - Protocol.LENGTH_FIELD_SIZE;
        if (frameLength <= maxFrameLength) {
            return false;
        }
        op.fail(new IllegalArgumentException("payload of " + op.payload.length + " bytes exceeds maxFrameLength "
                + maxFrameLength + " (frame would be " + frameLength + ")"));
        return true;
    }

    private void startRequest(RequestOp op) {
        if (owner.state() != ConnectionState.CLOSED) {
            timeouts.add(op);
        }
        submit(op);
    }

    /** Writes {@code op} at once if the open connection takes it, else buffers it (or fails it: buffer full, closed). */
    private void submit(Op op) {
        if (owner.state() == ConnectionState.CLOSED) {
            op.fail(owner.closedException());
            return;
        }
        if (op.isDone()) {
            return;
        }
        Connection c = target;
        if (c != null && buffer.isEmpty() && c.channel().isWritable()) {
            writeAndFlush(c, op);
        } else if (!buffer.offer(op)) {
            op.fail(new SendBufferFullException("send buffer full (" + buffer.size() + "/" + buffer.maxMessages()
                    + " messages, " + buffer.bytes() + "/" + buffer.maxBytes() + " bytes) while " + owner.state()
                    + "; rejected a " + op.payload.length + "-byte payload"));
        }
    }

    // ---- the connection written to ----

    /** {@code c} completed its handshake: write what waited for it. */
    void connected(Connection c) {
        target = c;
        writeBufferedWhileWritable();
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
        if (c != null) {
            for (Op op; (op = buffer.poll()) != null; ) {
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
        if (c == null || buffer.isEmpty()) {
            return;
        }
        boolean wrote = false;
        while (c.channel().isWritable()) {
            Op op = buffer.poll();
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

    private void writeAndFlush(Connection c, Op op) {
        Object frame = frame(c, op);
        if (frame != null) {
            c.channel().writeAndFlush(frame, promise(c.channel(), op));
        }
    }

    private void writeWithoutFlush(Connection c, Op op) {
        Object frame = frame(c, op);
        if (frame != null) {
            c.channel().write(frame, promise(c.channel(), op));
        }
    }

    /** The message for {@code op} on {@code c} (a request is registered there), or null if {@code op} was failed. */
    private Object frame(Connection c, Op op) {
        if (op.frameSize() - Protocol.LENGTH_FIELD_SIZE > c.serverMaxFrameLength()) {
            op.fail(new IllegalArgumentException("payload of " + op.payload.length + " bytes exceeds the server's max frame length "
                    + c.serverMaxFrameLength()));
            return null;
        }
        if (op instanceof RequestOp r) {
            long id = c.registry.register(r);
            r.connection = c;
            counters.requestWritten();
            return new Request(id, r.payload);
        }
        return new Send(op.payload);
    }

    /** A send learns when it is written; a request needs no promise (its answer is the response). */
    private static ChannelPromise promise(Channel ch, Op op) {
        return op instanceof SendOp s ? ch.newPromise().addListener(s) : ch.voidPromise();
    }

    // ---- answers ----

    void completeRequest(Connection c, long id, byte[] payload) {
        RequestOp r = takeInFlight(c, id);
        if (r != null) {
            r.future.complete(payload);
            requestDone(c);
        }
    }

    void failRequest(Connection c, ErrorMessage error) {
        RequestOp r = takeInFlight(c, error.id());
        if (r != null) {
            r.future.completeExceptionally(new ServerErrorException(error.code(), error.text()));
            requestDone(c);
        }
    }

    private RequestOp takeInFlight(Connection c, long id) {
        RequestOp r = c.registry.remove(id);
        if (r == null) {
            log.log(Level.DEBUG, () -> c + ": answer to unknown or timed-out request " + id);
            return null;
        }
        counters.requestsDone(1);
        timeouts.remove(r);
        return r;
    }

    /** A request is done one way or another: its deadline no longer matters. */
    void stopClock(RequestOp r) {
        timeouts.remove(r);
    }

    private void onRequestTimeout(RequestOp r) {
        if (r.future.isDone()) {
            return;
        }
        Connection c = r.connection;
        if (r.inBuffer) {
            buffer.remove(r);
        } else if (c != null && c.registry.remove(r.id) != null) {
            counters.requestsDone(1);
        }
        r.future.completeExceptionally(new RequestTimeoutException("no response to request " + r.id
                + (c == null ? " (still in the send buffer, " + owner.state() + ")" : " from " + Connection.describe(c.endpoint))
                + " within " + Duration.ofNanos(r.timeoutNanos).toMillis() + " ms"));
        if (c != null) {
            requestDone(c);
        }
    }

    private void requestDone(Connection c) {
        if (c.state() == Connection.State.DRAINING && c.registry.size() == 0) {
            c.close(new ConnectionLostException("drained after go-away"));
        } else if (owner.state() == ConnectionState.CLOSED && counters.requestsInFlightOnLoop() == 0) {
            owner.onLastRequestDone();
        }
    }

    void onSendFailed(SendOp s, Throwable cause) {
        if (owner.state() == ConnectionState.CLOSED) {
            s.future.completeExceptionally(new ClientClosedException("client closed before the send was written", cause));
        } else {
            s.future.completeExceptionally(new ConnectionLostException(
                    "connection lost before the send was written: " + cause, cause));
        }
    }

    // ---- failing what is left ----

    /** {@code c} is gone: its unanswered requests fail with {@code cause}. */
    void failInFlight(Connection c, Throwable cause) {
        List<RequestOp> ops = c.registry.drain();
        counters.requestsDone(ops.size());
        for (RequestOp r : ops) {
            r.fail(cause);
        }
    }

    void failBuffered(Throwable cause) {
        buffer.failAll(cause);
    }

    /** The client has closed: fails what is still buffered and stops the timer. */
    void close(Throwable cause) {
        buffer.failAll(cause);
        timeouts.cancel();
    }

    int inFlight() {
        return counters.requestsInFlightOnLoop();
    }

    /** Operations waiting in the buffer; any thread. */
    int bufferedCount() {
        return buffer.size();
    }

    /** Payload bytes waiting in the buffer; any thread. */
    long bufferedBytes() {
        return buffer.bytes();
    }
}
