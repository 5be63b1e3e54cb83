package dev.tether.loadtool.shell;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.run.LoadOptions;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the shell's {@code bench} command: a short load run against the shell's target. Kept behind
 * an interface so the session can be tested without running load.
 */
interface ShellBench {

    /**
     * Starts a run in the background and prints its progress and summary to {@code out}.
     *
     * @param load the load options of {@code loadtool run}, as {@code bench} was given them
     * @param connection the auth token and TLS: the shell's, with those given to {@code bench} laid over them
     * @throws IllegalArgumentException for options that make no plan, with a message for the user
     */
    Handle start(Target target, LoadOptions load, ConnectionOptions connection, PrintWriter out);

    /**
     * A running bench.
     *
     * @param result completes with the run's exit code (see {@code ExitCodes}) once the summary is printed
     * @param stop ends the run early; it still prints the summary of what ran
     */
    record Handle(CompletableFuture<Integer> result, Runnable stop) {
    }
}
