package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jline.builtins.ScreenTerminal;

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

    /**
     * The screen as a terminal of {@code columns} x {@code rows} shows it after every byte so far (JLine's own
     * VT100 emulator replays the control sequences), one string per row with trailing blanks dropped: what
     * a user sees, stale characters included.
     */
    synchronized List<String> screen(int columns, int rows) {
        ScreenTerminal emulator = new ScreenTerminal(columns, rows);
        emulator.write(bytes.toString(StandardCharsets.UTF_8));
        return emulator.toString().lines().map(String::stripTrailing).toList();
    }

    /** Waits until the output contains {@code expected}, at most {@code limit}; fails showing the screen. */
    synchronized String await(String expected, Duration limit) throws InterruptedException {
        return await(expected, limit, false);
    }

    /** Waits until the output ends with {@code expected} (a prompt waiting for keys), at most {@code limit}. */
    synchronized String awaitEnd(String expected, Duration limit) throws InterruptedException {
        return await(expected, limit, true);
    }

    private String await(String expected, Duration limit, boolean atEnd) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (atEnd ? !text().endsWith(expected) : !text().contains(expected)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("waited " + limit.toMillis() + " ms for '" + expected + "' on the screen:\n" + text());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return text();
    }
}
