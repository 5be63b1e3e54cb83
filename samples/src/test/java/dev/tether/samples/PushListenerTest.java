package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.ReferenceServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PushListenerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void printsPushesAndReconnectsWhenTheServerComesBack() throws Exception {
        ReferenceServer server = ReferenceServer.builder().host("127.0.0.1").port(0).start();
        int port = server.port();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread sample = new Thread(() -> {
            try {
                PushListener.main(new String[] {"127.0.0.1", Integer.toString(port), "60"});
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        }, "push-listener-sample");
        try (StandardOutput out = StandardOutput.capture()) {
            sample.start();
            out.await("listening on 127.0.0.1:" + port, WAIT);

            server.broadcast("news", "first".getBytes(UTF_8));
            out.await("push [news]: first", WAIT);

            server.closeNow(); // the server dies under the client
            out.await("CONNECTED -> RECONNECTING", WAIT);
            server.terminationFuture().get(10, TimeUnit.SECONDS); // the port is free again

            server = ReferenceServer.builder().host("127.0.0.1").port(port).start();
            String text = out.await(t -> t.indexOf("-> CONNECTED", t.indexOf("CONNECTED -> RECONNECTING")) > 0,
                    "a second CONNECTED", WAIT);
            assertThat(text).containsPattern("next attempt \\d+ in \\d+ ms");

            server.broadcast(null, "second".getBytes(UTF_8));
            out.await("push: second", WAIT);

            sample.interrupt(); // what Ctrl-C is to the sample: stop listening, close the client
            assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOfAny(InterruptedException.class);
        } finally {
            sample.interrupt();
            sample.join(TimeUnit.SECONDS.toMillis(10));
            server.close();
        }
        assertThat(server.stats().connections()).isZero();
    }
}
