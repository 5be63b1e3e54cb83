package dev.tether.loadtool;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loadtool server}: not built yet (see its issue). */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Runs the Tether reference server.")
public final class ServerCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("loadtool server is not implemented yet");
        return 1;
    }
}
