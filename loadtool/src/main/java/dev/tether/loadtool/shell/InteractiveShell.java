package dev.tether.loadtool.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.SystemCompleter;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.shell.jline3.PicocliCommands;

/**
 * The thin JLine front end of the shell: line editing, persistent history, tab completion from the
 * commands' picocli model, pushes and state changes printed above the line being typed, Ctrl-C and
 * Ctrl-D. Everything else is {@link ShellCommands} and {@link ShellSession}.
 */
final class InteractiveShell {

    /** Builds the session once the front end knows where its output goes. */
    interface SessionFactory {
        ShellSession create(PrintWriter out, ShellSession.Notices notices);
    }

    /** The widget that shows a state change: it runs under the reader's lock, like every widget. */
    private static final String STATE_WIDGET = "tether-state-changed";

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
    static int run(Terminal terminal, Path history, Target initial, SessionFactory factory) {
        DefaultParser parser = new DefaultParser();
        // a payload is raw text: an apostrophe or a backslash in it must not ask for a continuation line
        parser.setEofOnUnclosedQuote(false);
        parser.setEofOnEscapedNewLine(false);
        LineReaderImpl reader = (LineReaderImpl) LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("tether")
                .parser(parser)
                .history(new DefaultHistory())
                .variable(LineReader.HISTORY_FILE, history)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        AtomicReference<ShellSession> sessionRef = new AtomicReference<>();
        AtomicReference<String> stateLine = new AtomicReference<>();
        ShellSession session = factory.create(terminal.writer(), new ShellSession.Notices() {
            @Override
            public void print(String line) {
                reader.printAbove(line);
            }

            @Override
            public void stateChanged(String line) {
                stateLine.set(line);
                try {
                    reader.callWidget(STATE_WIDGET);
                } catch (IllegalStateException notReading) {
                    // a command is running: its output is on the screen, the next prompt shows the new state
                    String l = stateLine.getAndSet(null);
                    if (l != null) {
                        reader.printAbove(l);
                    }
                }
            }
        });
        sessionRef.set(session);
        // the new prompt and the line about it, drawn in one step under the reader's lock: printAbove erases
        // the prompt line as JLine drew it, prints the line and redraws the prompt and the typed text after it
        reader.getWidgets().put(STATE_WIDGET, () -> {
            reader.setPrompt(sessionRef.get().prompt());
            String line = stateLine.getAndSet(null);
            if (line != null) {
                reader.printAbove(line);
            } else {
                reader.callWidget(LineReader.REDISPLAY);
            }
            return true;
        });
        ShellCommands commands = new ShellCommands(session);
        reader.setCompleter(completer(commands.commandLine()));
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> {
            // the terminal echoed ^C where the command's output was going: end that line first
            terminal.writer().println();
            terminal.writer().flush();
            session.cancelRunning();
        });
        try {
            terminal.writer().println("Tether shell. help lists the commands; Tab completes; Ctrl-D leaves.");
            if (initial != null) {
                commands.connectAtStart(initial);
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
                if (commands.execute(line) == ShellCommands.Result.EXIT) {
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

    /**
     * Completion from the commands' picocli model: picocli's own JLine completer offers the command names,
     * options and {@code --option=VALUE}; the few lines here add what it leaves out, the values after a
     * blank ({@code bench --mode <Tab>}, {@code pushes <Tab>}, {@code help <Tab>}).
     */
    static Completer completer(CommandLine commands) {
        SystemCompleter picocli = new PicocliCommands(commands).compileCompleters();
        picocli.compile();
        return (reader, line, candidates) -> {
            picocli.complete(reader, line, candidates);
            int index = line.wordIndex();
            if (index == 0 || line.word().startsWith("-")) {
                return;
            }
            CommandLine sub = commands.getSubcommands().get(line.words().get(0).toLowerCase(Locale.ROOT));
            if (sub == null) {
                return;
            }
            OptionSpec option = sub.getCommandSpec().findOption(line.words().get(index - 1));
            Iterable<String> values = null;
            if (option != null && option.arity().max() > 0) {
                values = option.completionCandidates();
            } else if (option == null || option.arity().max() == 0) {
                List<PositionalParamSpec> positionals = sub.getCommandSpec().positionalParameters();
                values = positionals.isEmpty() ? null : positionals.get(0).completionCandidates();
            }
            if (values != null) {
                values.forEach(v -> candidates.add(new Candidate(v)));
            }
        };
    }
}
