package dev.tether.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.protocol.Push;
import dev.tether.testing.MockServer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** Where listeners run: the client's event loop by default, or the executor the application gives. */
class ListenerThreadingTest {

    @Test
    void listenersRunOnTheEventLoopByDefault() throws Exception {
        try (MockServer server = MockServer.start()) {
            BlockingQueue<String> threads = new LinkedBlockingQueue<>();
            TetherClient client = TetherClient.builder().endpoint("127.0.0.1", server.port())
                    .onStateChange(c -> threads.add(Thread.currentThread().getName()))
                    .onPush(p -> threads.add(Thread.currentThread().getName())).build();
            try (client) {
                client.connect().get(5, SECONDS);
                server.push(new Push(new byte[1]));
                for (int i = 0; i < 3; i++) { // CONNECTING, CONNECTED, push
                    assertThat(threads.poll(5, SECONDS)).startsWith("tether-client");
                }
            }
        }
    }

    @Test
    void listenersRunOnTheGivenExecutor() throws Exception {
        ExecutorService app = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-listener"));
        try (MockServer server = MockServer.start()) {
            BlockingQueue<String> threads = new LinkedBlockingQueue<>();
            TetherClient client = TetherClient.builder().endpoint("127.0.0.1", server.port())
                    .listenerExecutor(app)
                    .onStateChange(c -> threads.add(Thread.currentThread().getName()))
                    .onPush(p -> threads.add(Thread.currentThread().getName())).build();
            try (client) {
                client.connect().get(5, SECONDS);
                server.push(new Push(new byte[1]));
                for (int i = 0; i < 3; i++) {
                    assertThat(threads.poll(5, SECONDS)).isEqualTo("app-listener");
                }
            }
        } finally {
            app.shutdown();
            assertThat(app.awaitTermination(5, SECONDS)).isTrue();
        }
    }

    @Test
    void aThrowingListenerDoesNotBreakTheClient() throws Exception {
        try (MockServer server = MockServer.start()) {
            TetherClient client = TetherClient.builder().endpoint("127.0.0.1", server.port())
                    .onStateChange(c -> {
                        throw new IllegalStateException("listener bug");
                    })
                    .onPush(p -> {
                        throw new IllegalStateException("listener bug");
                    }).build();
            try (client) {
                client.connect().get(5, SECONDS);
                server.push(new Push(new byte[1]));
                assertThat(client.request(new byte[] {8}).get(5, SECONDS)).containsExactly(8);
            }
        }
    }
}
