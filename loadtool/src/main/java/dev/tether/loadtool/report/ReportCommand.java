package dev.tether.loadtool.report;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loadtool report}: not built yet (see its issue). */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Rebuilds reports from .hlog files.")
public final class ReportCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("loadtool report is not implemented yet");
        return 1;
    }
}
