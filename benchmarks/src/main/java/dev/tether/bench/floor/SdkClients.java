package dev.tether.bench.floor;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.TetherClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** Tether's side: {@code TetherClient}s with the default configuration on one {@code ClientResources}. */
final class SdkClients implements ClientSet {
    private final ClientResources resources;
    private final ClientConfig config;
    private final List<TetherClient> clients = new ArrayList<>();
    private final LongAdder pushes = new LongAdder();

    SdkClients(String host, int port, int ioThreads) {
        resources = ClientResources.create(ioThreads);
        config = ClientConfig.builder().endpoint(host, port).build();
    }

    @Override
    public CompletableFuture<Void> open() {
        TetherClient c = TetherClient.builder().config(config).resources(resources)
                .onPush(p -> pushes.increment()).build();
        clients.add(c);
        return c.connect();
    }

    @Override
    public int size() {
        return clients.size();
    }

    @Override
    public void request(int connection, byte[] payload, long tag, Completion completion) {
        clients.get(connection).request(payload).whenComplete((r, t) -> completion.done(connection, tag, t == null));
    }

    @Override
    public long pushes() {
        return pushes.sum();
    }

    @Override
    public void closeAll() throws Exception {
        List<CompletableFuture<Void>> closes = new ArrayList<>(clients.size());
        for (TetherClient c : clients) {
            closes.add(c.closeAsync());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        clients.clear();
    }

    @Override
    public void close() throws Exception {
        try {
            closeAll();
        } finally {
            resources.close();
        }
    }
}
