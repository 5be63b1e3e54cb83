/*
 * EmbeddedServerTest: how your application's own tests can talk to a real Tether server without
 * running anything outside the JVM. ReferenceServer starts in-process on a free loopback port (port 0),
 * each test gets a fresh client, and both are closed afterwards so no port or thread is left behind.
 *
 * Copy this class into your project's tests (dependency: dev.tether:tether-loadtool, test scope).
 * Run:   mvn -q -pl samples -am test -Dtest=EmbeddedServerTest -Dsurefire.failIfNoSpecifiedTests=false
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.ConnectionState;
import dev.tether.client.ServerPush;
import dev.tether.client.TetherClient;
import dev.tether.server.ReferenceServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedServerTest {
    private ReferenceServer server;
    private TetherClient client;
    private final CompletableFuture<ServerPush> firstPush = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        // port(0): the OS picks a free port, so tests never collide with each other or a running server
        server = ReferenceServer.builder().host("127.0.0.1").port(0).start();
        client = TetherClient.builder()
                .endpoint("127.0.0.1", server.port())
                .onPush(firstPush::complete)
                .build();
        client.connect().get(5, TimeUnit.SECONDS); // a bounded wait, never a sleep
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void theServerEchoesARequest() throws Exception {
        byte[] reply = client.request("ping me".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
        assertThat(new String(reply, UTF_8)).isEqualTo("ping me");
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aBroadcastReachesTheClient() throws Exception {
        assertThat(server.broadcast("news", "extra".getBytes(UTF_8))).isEqualTo(1);
        ServerPush push = firstPush.get(5, TimeUnit.SECONDS);
        assertThat(push.topic()).isEqualTo("news");
        assertThat(new String(push.payload(), UTF_8)).isEqualTo("extra");
    }

    @Test
    void theServerCountsWhatArrived() throws Exception {
        client.send("one-way".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
        // written is not yet read: a request behind the send is answered only after the send was read
        client.request("barrier".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
        assertThat(server.stats().sendsTotal()).isEqualTo(1);
        assertThat(server.sessions()).hasSize(1);
    }
}
