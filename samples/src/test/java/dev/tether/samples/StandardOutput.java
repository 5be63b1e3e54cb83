package dev.tether.samples;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Captures {@code System.out} while a sample runs, and lets a test wait (bounded, woken by each write)
 * until the output shows something. Restores the real {@code System.out} on close.
 */
final class StandardOutput implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private StandardOutput() {
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (StandardOutput.this) {
                    bytes.write(b);
                    original.write(b); // still visible in the test log
                    StandardOutput.this.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (StandardOutput.this) {
                    bytes.write(b, off, len);
                    original.write(b, off, len);
                    StandardOutput.this.notifyAll();
                }
            }
        };
        System.setOut(new PrintStream(sink, true, StandardCharsets.UTF_8));
    }

    static StandardOutput capture() {
        return new StandardOutput();
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the output contains {@code expected}, at most {@code limit}; fails showing the output. */
    String await(String expected, Duration limit) throws InterruptedException {
        return await(text -> text.contains(expected), "'" + expected + "'", limit);
    }

    /** Waits until {@code condition} holds for the output so far, at most {@code limit}. */
    synchronized String await(Predicate<String> condition, String what, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.test(text())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("waited " + limit.toMillis() + " ms for " + what + " in the output:\n" + text());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text();
    }

    @Override
    public void close() {
        System.out.flush();
        System.setOut(original);
    }
}
