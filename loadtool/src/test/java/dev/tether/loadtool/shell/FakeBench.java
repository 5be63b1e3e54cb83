package dev.tether.loadtool.shell;

import dev.tether.loadtool.ConnectionOptions;
import dev.tether.loadtool.run.LoadOptions;
import dev.tether.loadtool.run.LoadPlan;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A bench the test scripts: records the plans it was given; stopping it prints a summary and completes with 0. */
final class FakeBench implements ShellBench {
    final List<LoadPlan> plans = new ArrayList<>();
    final CompletableFuture<Integer> result = new CompletableFuture<>();
    final AtomicBoolean stopped = new AtomicBoolean();

    @Override
    public Handle start(Target target, LoadOptions load, ConnectionOptions connection, PrintWriter out) {
        plans.add(load.plan(connection).targets(List.of(InetSocketAddress.createUnresolved(target.host(), target.port())))
                .build());
        out.println("bench against " + target);
        return new Handle(result, () -> {
            stopped.set(true);
            out.println("summary so far");
            result.complete(0);
        });
    }
}
