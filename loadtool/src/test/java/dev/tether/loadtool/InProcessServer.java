package dev.tether.loadtool;

import dev.tether.server.ReferenceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * {@code loadtool server ARGS} run in this JVM, for tests that drive it with other subcommands: started on a free
 * port (add {@code --port 0}), stopped by {@link #close()} as a SIGTERM would (drain, exit 0), without touching the
 * test JVM's signal handling.
 */
public final class InProcessServer implements AutoCloseable {
    private final ServerCommand command;
    private final CompletableFuture<Integer> exit;
    private final ReferenceServer server;
    private final StringWriter out = new StringWriter();

    private InProcessServer(String... args) throws Exception {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        command = cl.getSubcommands().get("server").getCommand();
        command.installSignalHandlers = false;
        String[] all = new String[args.length + 1];
        all[0] = "server";
        System.arraycopy(args, 0, all, 1, args.length);
        exit = CompletableFuture.supplyAsync(() -> cl.execute(all));
        server = CompletableFuture.anyOf(command.started, exit).thenApply(x -> {
            if (!command.started.isDone()) {
                throw new IllegalStateException("loadtool server exited with " + x + ": " + out);
            }
            return command.started.join();
        }).get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code loadtool server} with {@code args} and waits until it listens. */
    public static InProcessServer start(String... args) throws Exception {
        return new InProcessServer(args);
    }

    /** The server the command runs. */
    public ReferenceServer server() {
        return server;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String target() {
        return "127.0.0.1:" + server.port();
    }

    /** What the command printed so far (standard output and error). */
    public String output() {
        return out.toString();
    }

    /** Drains the server as SIGTERM does and waits for the command to exit, which must be with 0. */
    @Override
    public void close() throws Exception {
        command.onSignal();
        int code = exit.get(15, TimeUnit.SECONDS);
        if (code != ExitCodes.OK) {
            throw new AssertionError("loadtool server exited with " + code + ": " + out);
        }
    }
}
