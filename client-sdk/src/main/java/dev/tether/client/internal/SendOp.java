package dev.tether.client.internal;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.CompletableFuture;

/** A one-way send: its future completes when Netty reports the frame written to the socket. */
final class SendOp extends Op implements ChannelFutureListener {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final OutboundQueue queue;

    SendOp(OutboundQueue queue, byte[] payload) {
        super(payload);
        this.queue = queue;
    }

    @Override
    boolean isDone() {
        return future.isDone();
    }

    @Override
    void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }

    @Override
    public void operationComplete(ChannelFuture f) {
        if (f.isSuccess()) {
            future.complete(null);
        } else {
            queue.onSendFailed(this, f.cause());
        }
    }
}
