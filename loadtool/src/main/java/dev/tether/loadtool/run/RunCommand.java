package dev.tether.loadtool.run;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loadtool run}: not built yet (see its issue). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a load test.")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("loadtool run is not implemented yet");
        return 1;
    }
}
