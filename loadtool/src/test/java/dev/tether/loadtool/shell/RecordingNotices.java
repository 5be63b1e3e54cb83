package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Records what a session prints asynchronously, and lets a test wait (bounded) for a line. */
final class RecordingNotices implements ShellSession.Notices {
    private final List<String> lines = new ArrayList<>();
    private int stateChanges;

    @Override
    public synchronized void print(String line) {
        lines.add(line);
        notifyAll();
    }

    @Override
    public synchronized void stateChanged(String line) {
        stateChanges++;
        if (line != null) {
            lines.add(line);
        }
        notifyAll();
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized int stateChanges() {
        return stateChanges;
    }

    /** Waits until a line containing {@code text} has been printed; returns it. */
    synchronized String await(String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("waited " + limit.toMillis() + " ms for a notice containing '" + text + "'; got " + lines);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Forgets the lines so far (so a later {@link #await} waits for a new one). */
    synchronized void clear() {
        lines.clear();
    }
}
