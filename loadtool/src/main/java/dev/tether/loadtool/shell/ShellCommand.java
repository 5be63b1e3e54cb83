package dev.tether.loadtool.shell;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loadtool shell}: not built yet (see its issue). */
@Command(name = "shell", mixinStandardHelpOptions = true, description = "An interactive Tether console.")
public final class ShellCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("loadtool shell is not implemented yet");
        return 1;
    }
}
