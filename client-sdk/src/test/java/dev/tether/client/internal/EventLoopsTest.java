package dev.tether.client.internal;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The clients pinned to one loop share its scheduler, and that scheduler runs their timers on that loop. */
class EventLoopsTest {
    private final EventLoops loops = new EventLoops(2);

    @AfterEach
    void shutdown() {
        assertThat(loops.shutdown(5_000)).isTrue();
    }

    @Test
    void oneSchedulerPerLoopRunningOnThatLoop() throws Exception {
        EventLoop first = loops.next();
        EventLoop second = loops.next();
        assertThat(first).isNotSameAs(second);
        assertThat(loops.scheduler(first)).isSameAs(loops.scheduler(first)).isNotSameAs(loops.scheduler(second));
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        loops.scheduler(second).schedule(() -> onLoop.complete(second.inEventLoop()), 0);
        assertThat(onLoop.get(5, SECONDS)).isTrue();
    }
}
