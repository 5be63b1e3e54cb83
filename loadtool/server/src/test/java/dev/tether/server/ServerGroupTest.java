package dev.tether.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.protocol.Hello;
import dev.tether.protocol.MessageEncoder;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Groups: join and leave by request, push to the members only, leave on close, and a slow member that blocks nobody. */
class ServerGroupTest {
    private final TetherFixture fixture = new TetherFixture();
    private final Map<String, CloseReason> closed = new ConcurrentHashMap<>();
    private TetherServer server;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** "join:NAME" and "leave:NAME" requests, as a chat server would have them. */
    private TetherServer.Builder rooms() {
        return TetherFixture.builder().handler(new ServerHandler() {
            @Override
            public CompletableFuture<byte[]> onRequest(ServerSession session, byte[] payload) {
                String[] cmd = new String(payload, UTF_8).split(":", 2);
                ServerGroup room = server.group(cmd[1]);
                boolean changed = cmd[0].equals("join") ? room.join(session) : room.leave(session);
                return CompletableFuture.completedFuture(Boolean.toString(changed).getBytes(UTF_8));
            }

            @Override
            public void onClose(ServerSession session, CloseReason reason) {
                closed.put(session.clientId(), reason);
            }
        });
    }

    private static String ask(TetherFixture.Recorded c, String request) throws Exception {
        return new String(c.client.request(request.getBytes(UTF_8)).get(10, TimeUnit.SECONDS), UTF_8);
    }

    @Test
    void membersJoinAndLeaveByRequestAndOnlyMembersGetTheGroupsPushes() throws Exception {
        server = fixture.start(rooms());
        TetherFixture.Recorded a = fixture.connected(server);
        TetherFixture.Recorded b = fixture.connected(server);
        TetherFixture.Recorded outsider = fixture.connected(server);
        assertThat(ask(a, "join:lobby")).isEqualTo("true");
        assertThat(ask(b, "join:lobby")).isEqualTo("true");
        assertThat(ask(b, "join:lobby")).isEqualTo("true"); // a set: joining twice is harmless
        ServerGroup lobby = server.group("lobby");
        assertThat(lobby.size()).isEqualTo(2);
        assertThat(server.session(a.sessionId()).orElseThrow().groups()).containsExactly("lobby");

        assertThat(lobby.push("lobby", "hi all".getBytes(UTF_8))).isEqualTo(2);
        Await.until(TetherFixture.WAIT, () -> a.pushes.size() == 1 && b.pushes.size() == 1, () -> "pushes: " + a.pushes + " " + b.pushes);
        assertThat(new String(a.pushes.peek().payload(), UTF_8)).isEqualTo("hi all");
        assertThat(a.pushes.peek().topic()).isEqualTo("lobby");

        assertThat(ask(b, "leave:lobby")).isEqualTo("true");
        assertThat(ask(b, "leave:lobby")).isEqualTo("false");
        assertThat(lobby.push("lobby", "second".getBytes(UTF_8))).isEqualTo(1);
        Await.until(TetherFixture.WAIT, () -> a.pushes.size() == 2, () -> "pushes: " + a.pushes);
        // b's and the outsider's next push proves nothing of the group's is still on its way to them.
        assertThat(server.broadcast(null, "end".getBytes(UTF_8))).isEqualTo(3);
        Await.until(TetherFixture.WAIT, () -> b.pushes.size() == 2 && outsider.pushes.size() == 1, () -> "pushes: " + b.pushes);
        assertThat(new String(b.pushes.toArray(new dev.tether.client.ServerPush[0])[1].payload(), UTF_8)).isEqualTo("end");
        assertThat(new String(outsider.pushes.peek().payload(), UTF_8)).isEqualTo("end");

        // A closed session leaves its groups, and cannot join one again.
        ServerSession aSession = server.session(a.sessionId()).orElseThrow();
        a.client.close();
        Await.until(TetherFixture.WAIT, () -> lobby.size() == 0, () -> "still in the lobby: " + lobby.members());
        assertThat(lobby.join(aSession)).isFalse();
        assertThat(lobby.size()).isZero();
        assertThat(lobby.push("lobby", new byte[1])).isZero();
    }

    @Test
    void aSessionOfAnotherServerCannotJoin() throws Exception {
        server = fixture.start(rooms());
        TetherServer other = fixture.start(TetherFixture.builder().handler((s, p) -> CompletableFuture.completedFuture(p)));
        TetherFixture.Recorded c = fixture.connected(other);
        ServerSession foreign = other.session(c.sessionId()).orElseThrow();
        assertThatThrownBy(() -> server.group("x").join(foreign)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMemberThatDoesNotReadIsDroppedAloneWhileTheOthersGetEveryPush() throws Exception {
        int pushSize = 32 * 1024;
        server = fixture.start(rooms().maxFrameLength(64 * 1024).maxPendingBytesPerConnection(256 * 1024));
        TetherFixture.Recorded reader = fixture.connected(server);
        assertThat(ask(reader, "join:feed")).isEqualTo("true");
        ServerGroup feed = server.group("feed");
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096); // and it never reads
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            slow.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "slow", null)));
            Await.until(TetherFixture.WAIT, () -> server.sessions().stream().anyMatch(s -> s.clientId().equals("slow")),
                    () -> "the slow client has no session yet");
            ServerSession slowSession = server.sessions().stream().filter(s -> s.clientId().equals("slow")).findFirst().orElseThrow();
            assertThat(feed.join(slowSession)).isTrue();

            // Push until the slow member is dropped (its socket buffers and its bounded queue fill up); the
            // reader must have every push before the next one goes out, so it is never the one held up.
            byte[] payload = new byte[pushSize];
            int rounds = 0;
            while (!closed.containsKey("slow")) {
                assertThat(rounds++).as("pushes before the slow member was dropped").isLessThan(4000);
                feed.push("feed", payload);
                Await.until(TetherFixture.WAIT, () -> reader.pushes.size() == 1,
                        () -> "the reader got " + reader.pushes.size() + " pushes, not 1");
                reader.pushes.clear();
            }
            assertThat(closed).containsEntry("slow", CloseReason.SLOW_CONSUMER);
            assertThat(feed.members()).containsExactly(server.session(reader.sessionId()).orElseThrow());
            assertThat(server.metrics().evictions()).isGreaterThanOrEqualTo(1);

            // The group goes on for the others.
            assertThat(feed.push("feed", "after".getBytes(UTF_8))).isEqualTo(1);
            Await.until(TetherFixture.WAIT, () -> reader.pushes.size() == 1, () -> "no push after the drop");
        }
    }
}
