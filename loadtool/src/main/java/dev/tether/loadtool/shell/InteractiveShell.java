package dev.tether.loadtool.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;

/**
 * The thin JLine front end of the shell: line editing, persistent history, tab completion, pushes
 * printed above the line being typed, Ctrl-C and Ctrl-D. Everything else is {@link ShellSession}.
 */
final class InteractiveShell {

    /** Builds the session once the front end knows where its output goes. */
    interface SessionFactory {
        ShellSession create(PrintWriter out, ShellSession.Notices notices);
    }

    private InteractiveShell() {
    }

    /**
     * Runs the read-execute loop on {@code terminal} until {@code exit} or Ctrl-D, then closes the
     * connection and saves the history. Ctrl-C at the prompt clears the line; while a command runs it
     * cancels the command.
     *
     * @param history the history file (created if missing)
     * @param initial connected to before the first prompt; null for none
     * @return the exit code: 0
     */
    static int run(Terminal terminal, Path history, List<String> benchOptions, Target initial, SessionFactory factory) {
        DefaultParser parser = new DefaultParser();
        // a payload is raw text: an apostrophe or a backslash in it must not ask for a continuation line
        parser.setEofOnUnclosedQuote(false);
        parser.setEofOnEscapedNewLine(false);
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("tether")
                .parser(parser)
                .completer(new ShellCompleter(benchOptions))
                .history(new DefaultHistory())
                .variable(LineReader.HISTORY_FILE, history)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        AtomicReference<ShellSession> sessionRef = new AtomicReference<>();
        ShellSession session = factory.create(terminal.writer(), new ShellSession.Notices() {
            @Override
            public void print(String line) {
                reader.printAbove(line);
            }

            @Override
            public void stateChanged() {
                ShellSession s = sessionRef.get();
                if (s != null && reader.isReading() && reader instanceof LineReaderImpl) {
                    try {
                        ((LineReaderImpl) reader).setPrompt(s.prompt());
                        reader.callWidget(LineReader.REDRAW_LINE);
                        reader.callWidget(LineReader.REDISPLAY);
                    } catch (IllegalStateException notReadingAnyMore) {
                        // the line was accepted meanwhile; the next prompt shows the new state
                    }
                }
            }
        });
        sessionRef.set(session);
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> session.cancelRunning());
        try {
            terminal.writer().println("Tether shell. help lists the commands; Tab completes; Ctrl-D leaves.");
            if (initial != null) {
                session.connectAtStart(initial);
            }
            while (true) {
                String line;
                try {
                    line = reader.readLine(session.prompt());
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line, as in bash
                } catch (EndOfFileException e) {
                    break; // Ctrl-D
                }
                if (session.execute(line) == ShellSession.Result.EXIT) {
                    break;
                }
            }
        } finally {
            session.close();
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                terminal.writer().println("warning: history not saved to " + history + ": " + e.getMessage());
            }
            terminal.writer().flush();
        }
        return 0;
    }
}
