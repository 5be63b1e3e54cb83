package dev.tether.client.internal;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * A one-way send. Without session resumption its future completes when Netty reports the frame written to
 * the socket. With it, the send is numbered when written and kept (in the {@link SendBuffer}'s list of sends
 * awaiting acknowledgement) until the server's ACK covers its sequence, which completes the future; a failed
 * write then changes nothing, the send is written again on the next connection.
 */
final class SendOp extends Op<Void> implements ChannelFutureListener {
    /** {@link #sequence} of a send written without a sequence number (or not written yet). */
    static final long UNSEQUENCED = -1;

    final OutboundQueue queue;
    /** The sequence number of its last write, or {@link #UNSEQUENCED}. Loop-confined. */
    long sequence = UNSEQUENCED;

    SendOp(OutboundQueue queue, byte[] payload) {
        super(payload);
        this.queue = queue;
    }

    @Override
    void fail(Throwable cause) {
        completeExceptionally(cause);
    }

    @Override
    public void operationComplete(ChannelFuture f) {
        if (sequence != UNSEQUENCED) {
            return; // awaits its acknowledgement; a failed write is repeated on the next connection
        }
        if (f.isSuccess()) {
            complete(null);
        } else {
            queue.onSendFailed(this, f.cause());
        }
    }
}
