package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** What a terminal would show: every byte written, and a bounded wait (woken by each write) for some text. */
final class ScreenOutput extends OutputStream {
    private static final Pattern CONTROL = Pattern.compile("\u001b(\\[[?0-9;]*[A-Za-z]|[=>])");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        bytes.write(b);
        notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
        notifyAll();
    }

    /**
     * The output so far as text: terminal control sequences (modes, erase-line) removed and the
     * terminal's {@code \r\n} read as a newline; a lone {@code \r} (back to the start of the line) is kept.
     */
    synchronized String text() {
        return CONTROL.matcher(bytes.toString(StandardCharsets.UTF_8)).replaceAll("").replace("\r\n", "\n");
    }

    /** Waits until the output contains {@code expected}, at most {@code limit}; fails showing the screen. */
    synchronized String await(String expected, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!text().contains(expected)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("waited " + limit.toMillis() + " ms for '" + expected + "' on the screen:\n" + text());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text();
    }
}
