package dev.tether.testing;

import dev.tether.client.ConnectionState;
import dev.tether.client.StateChange;
import dev.tether.client.StateListener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link StateListener} that records every state change so a test can wait (bounded) for one and assert on the sequence. */
public final class RecordingStateListener implements StateListener {
    private final BlockingQueue<StateChange> queue = new LinkedBlockingQueue<>();
    private final List<StateChange> all = new CopyOnWriteArrayList<>();

    @Override
    public void onStateChange(StateChange change) {
        all.add(change);
        queue.add(change);
    }

    /** Takes changes until one to {@code state} arrives (waiting at most 5 s in total) and returns it. */
    public StateChange awaitState(ConnectionState state) throws InterruptedException, TimeoutException {
        return awaitState(state, Duration.ofSeconds(5));
    }

    public StateChange awaitState(ConnectionState state, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            StateChange c = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (c == null) {
                throw new TimeoutException("no change to " + state + " within " + timeout + "; seen: " + all);
            }
            if (c.current() == state) {
                return c;
            }
        }
    }

    public List<StateChange> changes() {
        return List.copyOf(all);
    }

    public List<ConnectionState> states() {
        return all.stream().map(StateChange::current).toList();
    }
}
