package dev.tether.server;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Owns the {@link TetherServer}s and SDK clients of a test and takes them down after it: clients first,
 * then the check that each server's registry emptied and its memory was given back, then the servers.
 */
final class TetherFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    private final ClientResources resources = ClientResources.create(1);
    private final List<TetherClient> clients = new ArrayList<>();
    private final List<TetherServer> servers = new ArrayList<>();

    /** A builder on a loopback ephemeral port with two event loops. */
    static TetherServer.Builder builder() {
        return TetherServer.builder().host("127.0.0.1").port(0).eventLoopThreads(2);
    }

    TetherServer start(TetherServer.Builder builder) {
        TetherServer s = builder.start();
        servers.add(s);
        return s;
    }

    /** A client of {@code server} that records its pushes and states, not yet connected. */
    Recorded client(TetherServer server, Consumer<ClientConfig.Builder> config) {
        ClientConfig.Builder b = ClientConfig.builder().endpoint("127.0.0.1", server.port());
        config.accept(b);
        Recorded r = new Recorded();
        r.client = TetherClient.builder().config(b.build()).resources(resources)
                .onPush(r.pushes::add)
                .onStateChange(change -> r.states.add(change.current()))
                .build();
        clients.add(r.client);
        return r;
    }

    /** A connected client of {@code server}. */
    Recorded connected(TetherServer server) throws Exception {
        Recorded r = client(server, b -> { });
        r.client.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return r;
    }

    static final class Recorded {
        TetherClient client;
        final Queue<ServerPush> pushes = new ConcurrentLinkedQueue<>();
        final Queue<ConnectionState> states = new ConcurrentLinkedQueue<>();

        String sessionId() {
            return client.stats().sessionId();
        }
    }

    @Override
    public void close() {
        clients.forEach(TetherClient::close);
        try {
            for (TetherServer s : servers) {
                // What is left is the detached sessions' (kept for a resume), which the stop gives back.
                Await.until(Duration.ofSeconds(5), () -> s.metrics().sessions() == 0
                                && s.metrics().memoryInUseBytes() == s.engine().store.chargedBytes(),
                        () -> "still open or holding memory: " + s.metrics());
            }
        } finally {
            servers.forEach(TetherServer::stop);
            resources.close();
        }
        for (TetherServer s : servers) {
            s.terminationFuture().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
            if (s.metrics().memoryInUseBytes() != 0 || s.engine().store.size() != 0) {
                throw new AssertionError("after the stop, memory still counted: " + s.metrics());
            }
        }
    }
}
