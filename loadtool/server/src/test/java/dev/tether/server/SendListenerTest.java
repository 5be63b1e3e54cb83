package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.TetherClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ReferenceServer.Builder#onSend}: the server's application sees each send with the client that sent it. */
class SendListenerTest {

    @Test
    void everySendIsHandedToTheListenerInOrderWithItsClientId() throws Exception {
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        ReferenceServer server = new ServerBuilder().host("127.0.0.1").port(0).eventLoopThreads(1)
                .onSend((clientId, payload) -> seen.add(clientId + "/" + new String(payload, StandardCharsets.UTF_8)))
                .start();
        try (ClientResources resources = ClientResources.create(1)) {
            TetherClient c = TetherClient.builder()
                    .config(ClientConfig.builder().endpoint("127.0.0.1", server.port()).clientId("app-7").build())
                    .resources(resources).build();
            try {
                c.connect().get(5, TimeUnit.SECONDS);
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    sends.add(c.send(("m" + i).getBytes(StandardCharsets.UTF_8)));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
                // Bounded wait: without acknowledgements a completed send is only written.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (seen.size() < 50 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(5);
                }
            } finally {
                c.close();
            }
        } finally {
            server.closeNow();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("app-7/m" + i);
        }
        assertThat(new ArrayList<>(seen)).isEqualTo(expected);
        assertThat(server.stats().sendsTotal()).isEqualTo(50);
    }
}
