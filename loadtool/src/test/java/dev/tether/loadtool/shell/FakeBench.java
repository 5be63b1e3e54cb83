package dev.tether.loadtool.shell;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A bench the test scripts: records its calls; stopping it prints a summary and completes with 0. */
final class FakeBench implements ShellBench {
    final List<List<String>> calls = new ArrayList<>();
    final CompletableFuture<Integer> result = new CompletableFuture<>();
    final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public Handle start(Target target, ConnectOptions options, List<String> args, PrintWriter out) {
        calls.add(List.copyOf(args));
        out.println("bench against " + target);
        return new Handle(result, () -> {
            stopped.set(true);
            out.println("summary so far");
            result.complete(0);
        });
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
