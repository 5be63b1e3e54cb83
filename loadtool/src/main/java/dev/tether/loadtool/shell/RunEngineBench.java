package dev.tether.loadtool.shell;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** PLACEHOLDER until the run engine lands. */
final class RunEngineBench implements ShellBench {
    @Override
    public CompletableFuture<Integer> start(Target target, ConnectOptions options, List<String> args, PrintWriter out) {
        throw new ShellSession.CommandFailed("bench is not available yet");
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public List<String> optionNames() {
        return List.of();
    }
}
