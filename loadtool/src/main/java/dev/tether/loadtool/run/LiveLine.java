package dev.tether.loadtool.run;

import java.io.PrintWriter;

/**
 * The once-a-second progress line: rewritten in place with a carriage return on a terminal, appended as
 * plain lines when the output is a file or a pipe (so logs stay readable).
 */
final class LiveLine {
    private final PrintWriter out;
    private final boolean terminal;
    private int lastLength;
    private boolean open;

    LiveLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    synchronized void show(String line) {
        if (terminal) {
            StringBuilder b = new StringBuilder(line.length() + 8).append('\r').append(line);
            for (int i = line.length(); i < lastLength; i++) {
                b.append(' ');
            }
            out.print(b);
            lastLength = line.length();
            open = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the in-place line so that what follows starts on a fresh line. */
    synchronized void finish() {
        if (open) {
            out.println();
            out.flush();
            open = false;
            lastLength = 0;
        }
    }

    /** A message on its own line (the live line resumes below it). */
    synchronized void message(String text) {
        finish();
        out.println(text);
        out.flush();
    }
}
