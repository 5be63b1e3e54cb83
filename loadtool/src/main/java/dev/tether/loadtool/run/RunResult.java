package dev.tether.loadtool.run;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.report.RunReport;

/**
 * What {@link LoadRun#run} returns.
 *
 * @param outcome what happened
 * @param report  the measurements ({@code null} when the plan was refused before anything ran)
 * @param message why the run was refused or failed; {@code null} when it completed
 */
public record RunResult(Outcome outcome, RunReport report, String message) {

    /** How a run ended. */
    public enum Outcome {
        /** The run went through its plan (thresholds are judged separately). */
        COMPLETED,
        /** The plan does not fit this machine (open files, ephemeral ports): nothing was started. */
        REFUSED,
        /** The run could not do its job: no client connected, the log could not be written, an internal error. */
        FAILED
    }

    /** Whether the run was stopped before its plan ended (Ctrl-C, SIGTERM); the report says so too. */
    public boolean interrupted() {
        return report != null && report.interrupted();
    }

    /** The exit code for this outcome: {@link ExitCodes#OK}, {@link ExitCodes#USAGE} or {@link ExitCodes#RUN_FAILED}. */
    public int exitCode() {
        switch (outcome) {
            case COMPLETED:
                return ExitCodes.OK;
            case REFUSED:
                return ExitCodes.USAGE;
            default:
                return ExitCodes.RUN_FAILED;
        }
    }
}
