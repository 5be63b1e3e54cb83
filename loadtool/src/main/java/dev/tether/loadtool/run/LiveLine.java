package dev.tether.loadtool.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

/**
 * The once-a-second progress line. On a terminal it is JLine's {@link Status} line at the bottom of the screen,
 * redrawn in place while messages scroll above it, and left as an ordinary line when the run ends; when the
 * output is a file or a pipe every update is a plain line of its own, so logs stay readable.
 */
abstract class LiveLine {

    /** Shows {@code line} as the current progress. */
    abstract void show(String line);

    /** A message on its own line, kept above the progress line. */
    abstract void message(String text);

    /** Ends the progress line so that what follows (the summary) starts on a fresh line. Idempotent. */
    abstract void finish();

    /** Plain lines on {@code out}. */
    static LiveLine plain(PrintWriter out) {
        return new Plain(out);
    }

    /** The status line of {@code terminal}; plain lines on the terminal's writer when it cannot show one. */
    static LiveLine on(Terminal terminal) {
        if (terminal.getType().startsWith(Terminal.TYPE_DUMB) || terminal.getWidth() <= 0) {
            return new Plain(terminal.writer());
        }
        return new OnStatus(terminal);
    }

    /**
     * For a run printing to {@code out}: on a console, the system terminal's status line; otherwise (or when no
     * terminal can be opened) plain lines on {@code out}.
     */
    static LiveLine forOutput(PrintWriter out, boolean console) {
        if (console) {
            try {
                // Signals keep their default handlers, so Ctrl-C still reaches the run's shutdown hook.
                Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
                out.flush();
                return on(terminal);
            } catch (IOException | RuntimeException e) {
                // No terminal after all: plain lines.
            }
        }
        return plain(out);
    }

    private static final class Plain extends LiveLine {
        private final PrintWriter out;

        Plain(PrintWriter out) {
            this.out = out;
        }

        @Override
        synchronized void show(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        synchronized void message(String text) {
            out.println(text);
            out.flush();
        }

        @Override
        void finish() {
        }
    }

    private static final class OnStatus extends LiveLine {
        private final Terminal terminal;
        private Status status;
        private AttributedString last;

        OnStatus(Terminal terminal) {
            this.terminal = terminal;
        }

        @Override
        synchronized void show(String line) {
            if (status == null) {
                status = Status.getStatus(terminal);
            }
            // One row: a line wider than the terminal is cut rather than wrapped over the messages.
            AttributedString row = new AttributedString(line);
            int width = terminal.getWidth();
            if (width > 1 && row.columnLength() >= width) {
                row = row.columnSubSequence(0, width - 1);
            }
            last = row;
            status.update(List.of(row));
            terminal.flush();
        }

        @Override
        synchronized void message(String text) {
            terminal.writer().println(text);
            terminal.flush();
            if (status != null) {
                status.redraw();
                terminal.flush();
            }
        }

        @Override
        synchronized void finish() {
            if (status != null) {
                // Clear the bottom row and give it back; the last progress stays, as an ordinary line.
                status.update(List.of());
                status.close();
                status = null;
                terminal.writer().println(last.toString());
            }
            terminal.flush();
        }
    }
}
