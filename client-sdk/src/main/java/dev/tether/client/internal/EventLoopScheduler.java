package dev.tether.client.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The production {@link Scheduler}: the client's own event loop and its timer queue. */
final class EventLoopScheduler implements Scheduler {
    private final EventLoop loop;

    EventLoopScheduler(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public Future<?> schedule(Runnable task, long delayNanos) {
        return loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public long nanoTime() {
        return loop.ticker().nanoTime();
    }
}
