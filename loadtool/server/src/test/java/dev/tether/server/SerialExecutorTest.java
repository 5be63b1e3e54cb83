package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** One session's handler calls on a shared executor: in order, one at a time, at most one hand-off queued. */
class SerialExecutorTest {
    /** An executor the test runs by hand: it records what was handed to it. */
    private static final class FakeExecutor implements Executor {
        final Queue<Runnable> handedOff = new ArrayDeque<>();
        boolean rejecting;

        @Override
        public void execute(Runnable r) {
            if (rejecting) {
                throw new RejectedExecutionException("shut down");
            }
            handedOff.add(r);
        }

        void runAll() {
            Runnable r;
            while ((r = handedOff.poll()) != null) {
                r.run();
            }
        }
    }

    @Test
    void tasksRunInOrderThroughOneHandOff() {
        FakeExecutor shared = new FakeExecutor();
        SerialExecutor serial = new SerialExecutor(shared);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            serial.execute(() -> ran.add(n));
        }
        assertThat(shared.handedOff).hasSize(1); // not one per task: one session never occupies two threads
        shared.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);

        serial.execute(() -> ran.add(5)); // idle again: the next task is handed off anew
        assertThat(shared.handedOff).hasSize(1);
        shared.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() {
        FakeExecutor shared = new FakeExecutor();
        SerialExecutor serial = new SerialExecutor(shared);
        List<String> ran = new ArrayList<>();
        serial.execute(() -> {
            throw new IllegalStateException("handler bug");
        });
        serial.execute(() -> ran.add("after"));
        shared.runAll();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void aRejectedHandOffIsReportedAndForgotten() {
        FakeExecutor shared = new FakeExecutor();
        SerialExecutor serial = new SerialExecutor(shared);
        shared.rejecting = true;
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> serial.execute(() -> ran.add("lost"))).isInstanceOf(RejectedExecutionException.class);
        shared.rejecting = false;
        serial.execute(() -> ran.add("next"));
        shared.runAll();
        assertThat(ran).containsExactly("next");
    }
}
