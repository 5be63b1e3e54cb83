package dev.tether.loadtool.shell;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the shell's {@code bench} command: a short load run against the shell's target. Kept behind
 * an interface so the session can be tested without running load.
 */
interface ShellBench {

    /**
     * Starts a run in the background and prints its progress and summary to {@code out}.
     *
     * @param args the words after {@code bench}: the options of {@code loadtool run}
     * @throws IllegalArgumentException for bad options, with a message for the user
     */
    Handle start(Target target, ConnectOptions options, List<String> args, PrintWriter out);

    /**
     * A running bench.
     *
     * @param result completes with the run's exit code (see {@code ExitCodes}) once the summary is printed
     * @param stop ends the run early; it still prints the summary of what ran
     */
    record Handle(CompletableFuture<Integer> result, Runnable stop) {
    }

    /** The options {@code bench} takes, for {@code help bench}. */
    String usage();

    /** The option names, for tab completion. */
    List<String> optionNames();
}
