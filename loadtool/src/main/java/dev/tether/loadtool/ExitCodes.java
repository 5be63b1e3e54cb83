package dev.tether.loadtool;

import picocli.CommandLine;

/**
 * The exit codes of every {@code loadtool} subcommand. Documented in the README; a CI pipeline can
 * rely on them.
 */
public final class ExitCodes {
    /** The command did what was asked; every {@code --slo} threshold held. */
    public static final int OK = 0;
    /** The run itself failed: the target could not be reached, a file could not be written, an internal error. */
    public static final int RUN_FAILED = 1;
    /** The command line was wrong: unknown option, bad value, a threshold naming an unknown metric. */
    public static final int USAGE = 2;
    /** The run completed but at least one {@code --slo} threshold was broken. */
    public static final int THRESHOLD_BROKEN = 3;
    /**
     * The run was stopped before its plan ended (Ctrl-C); its partial result was printed and written, marked
     * interrupted, never passed. A run ended by a signal exits with the JVM's 128 + the signal's number: 130 for
     * Ctrl-C (SIGINT), 143 for SIGTERM.
     */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    static int forException(Throwable t) {
        return t instanceof CommandLine.ParameterException ? USAGE : RUN_FAILED;
    }
}
