package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.MockServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Many clients share one {@link ClientResources}: the thread count does not grow with the clients. */
class ClientResourcesTest {

    @Test
    void twoHundredClientsShareTheThreadsOfOneResources() throws Exception {
        manyClientsOnOneResources(200);
    }

    @Test
    @Tag("slow")
    void twoThousandClientsShareTheThreadsOfOneResources() throws Exception {
        manyClientsOnOneResources(2_000);
    }

    private static void manyClientsOnOneResources(int n) throws Exception {
        try (MockServer server = MockServer.start(); ClientResources resources = ClientResources.create(2)) {
            // One warm-up client, so that lazily started threads (the event loops themselves) are counted in "before".
            List<TetherClient> clients = new ArrayList<>();
            ClientConfig config = ClientConfig.builder().endpoint("127.0.0.1", server.port()).build();
            TetherClient first = TetherClient.builder().config(config).resources(resources).build();
            clients.add(first);
            first.connect().get(5, SECONDS);
            for (int i = 0; i < 8; i++) { // touch every loop thread (clients are spread round robin)
                TetherClient c = TetherClient.builder().config(config).resources(resources).build();
                clients.add(c);
                c.connect().get(5, SECONDS);
            }
            int before = ManagementFactory.getThreadMXBean().getThreadCount();

            List<CompletableFuture<Void>> connects = new ArrayList<>();
            try {
                for (int i = clients.size(); i < n; i++) {
                    TetherClient c = TetherClient.builder().config(config).resources(resources).build();
                    clients.add(c);
                    connects.add(c.connect());
                }
                CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, SECONDS);
                assertThat(clients).allMatch(c -> c.state() == ConnectionState.CONNECTED);
                assertThat(server.openConnections()).isEqualTo(n);

                int after = ManagementFactory.getThreadMXBean().getThreadCount();
                assertThat(after).as("threads with %d clients vs with 9", n).isLessThanOrEqualTo(before + 2);
                assertThat(resources.ioThreads()).isEqualTo(2);
            } finally {
                List<CompletableFuture<Void>> closes = new ArrayList<>();
                for (TetherClient c : clients) {
                    closes.add(c.closeAsync());
                }
                CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(30, SECONDS);
            }
            assertThat(clients).allMatch(c -> c.state() == ConnectionState.CLOSED);
        }
    }

    @Test
    void closingAClientLeavesSharedResourcesRunning() throws Exception {
        try (MockServer server = MockServer.start(); ClientResources resources = ClientResources.create(1)) {
            ClientConfig config = ClientConfig.builder().endpoint("127.0.0.1", server.port()).build();
            TetherClient a = TetherClient.builder().config(config).resources(resources).build();
            a.connect().get(5, SECONDS);
            a.close();
            TetherClient b = TetherClient.builder().config(config).resources(resources).build();
            b.connect().get(5, SECONDS);
            assertThat(b.request(new byte[] {3}).get(5, SECONDS)).containsExactly(3);
            b.close();
        }
    }

    @Test
    void usesTheNativeTransportOnTheClasspath() { // the test classpath carries epoll for linux-x86_64
        try (ClientResources resources = ClientResources.create(1)) {
            String expected = io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio";
            assertThat(resources.transport()).isEqualTo(expected);
            assertThat(resources.nativeTransport()).isEqualTo(!expected.equals("nio"));
            assertThat(resources.toString()).contains("transport=" + expected);
        }
    }
}
