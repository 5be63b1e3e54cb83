package dev.tether.loadtool.shell;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A bench the test scripts: records its calls and completes (or not) when the test says. */
final class FakeBench implements ShellBench {
    final List<List<String>> calls = new ArrayList<>();
    final CompletableFuture<Integer> result = new CompletableFuture<>();

    @Override
    public CompletableFuture<Integer> start(Target target, ConnectOptions options, List<String> args, PrintWriter out) {
        calls.add(List.copyOf(args));
        out.println("bench against " + target);
        return result;
    }

    @Override
    public String usage() {
        return "  --duration DURATION";
    }

    @Override
    public List<String> optionNames() {
        return List.of("--duration");
    }
}
