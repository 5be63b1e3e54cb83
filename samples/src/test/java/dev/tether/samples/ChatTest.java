package dev.tether.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.server.TetherServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The chat sample end to end: its server, and two of its clients typing into rooms. */
class ChatTest {

    /** One ChatClient on its own thread: the test types its lines and reads what it prints. */
    private static final class User implements AutoCloseable {
        final BlockingQueue<String> printed = new LinkedBlockingQueue<>();
        final PipedWriter keyboard = new PipedWriter();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();

        User(int port, String name) throws IOException {
            BufferedReader input = new BufferedReader(new PipedReader(keyboard));
            Thread t = new Thread(() -> {
                try {
                    ChatClient.run("127.0.0.1", port, name, input, printed::add);
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            }, "chat-" + name);
            t.setDaemon(true);
            t.start();
        }

        void type(String line) throws IOException {
            keyboard.write(line + "\n");
            keyboard.flush();
        }

        /** Waits (bounded) for the next printed line and checks it. */
        void sees(String line) throws InterruptedException {
            assertThat(printed.poll(10, TimeUnit.SECONDS)).as("next line printed").isEqualTo(line);
        }

        /**
         * Waits for the next lines and checks them in any order: a reply (printed by the typing thread) and a push
         * (printed by the client's event loop) race each other to the screen.
         */
        void seesInAnyOrder(String... lines) throws InterruptedException {
            java.util.List<String> got = new java.util.ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                got.add(printed.poll(10, TimeUnit.SECONDS));
            }
            assertThat(got).containsExactlyInAnyOrder(lines);
        }

        @Override
        public void close() throws Exception {
            keyboard.close(); // end of input: the client says bye and closes
            assertThat(ended.get(10, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void twoUsersChatInARoomAndAThirdInAnotherHearsNothingOfIt() throws Exception {
        TetherServer server = ChatServer.start("127.0.0.1", 0);
        try (User alice = new User(server.port(), "alice");
             User bob = new User(server.port(), "bob");
             User carol = new User(server.port(), "carol")) {
            alice.sees("connected as alice; /join ROOM to start");
            bob.sees("connected as bob; /join ROOM to start");
            carol.sees("connected as carol; /join ROOM to start");

            alice.type("hello?");
            alice.sees("join a room first: /join ROOM");
            alice.type("/join lobby");
            alice.seesInAnyOrder("[lobby] * alice joined", "joined lobby (1 member)");
            bob.type("/join lobby");
            bob.seesInAnyOrder("[lobby] * bob joined", "joined lobby (2 members)");
            alice.sees("[lobby] * bob joined");
            carol.type("/join kitchen");
            carol.seesInAnyOrder("[kitchen] * carol joined", "joined kitchen (1 member)");

            bob.type("hi alice");
            alice.sees("[lobby] bob: hi alice");
            bob.sees("[lobby] bob: hi alice");
            carol.type("anyone here?");
            carol.sees("[kitchen] carol: anyone here?"); // and nothing of the lobby before it

            alice.type("/leave lobby");
            bob.sees("[lobby] * alice left");
            alice.sees("left lobby");
            alice.type("still there?"); // alice's current room is still the lobby, which she left
            alice.sees("error: join lobby first");

            assertThat(server.group("lobby").size()).isEqualTo(1);
            assertThat(server.group("kitchen").size()).isEqualTo(1);
            assertThat(alice.printed).isEmpty();
            assertThat(carol.printed).isEmpty();
        } finally {
            server.drain(java.time.Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
        assertThat(server.metrics().sessions()).isZero();
    }

    @Test
    void aClientSentAwayComesBackAndJoinsItsRoomsAgain() throws Exception {
        TetherServer server = ChatServer.start("127.0.0.1", 0);
        try (User alice = new User(server.port(), "alice");
             User bob = new User(server.port(), "bob")) {
            alice.sees("connected as alice; /join ROOM to start");
            bob.sees("connected as bob; /join ROOM to start");
            alice.type("/join lobby");
            alice.seesInAnyOrder("[lobby] * alice joined", "joined lobby (1 member)");
            bob.type("/join lobby");
            bob.seesInAnyOrder("[lobby] * bob joined", "joined lobby (2 members)");
            alice.sees("[lobby] * bob joined");

            // The server sends alice away (GO_AWAY); her connection's room membership goes with it.
            server.sessions().stream().filter(s -> "alice".equals(s.principal())).findFirst().orElseThrow().close("test");
            // She reconnects by herself and joins the lobby again, which both of them hear.
            alice.sees("[lobby] * alice joined");
            bob.sees("[lobby] * alice joined");
            bob.type("welcome back");
            alice.sees("[lobby] bob: welcome back");
            bob.sees("[lobby] bob: welcome back");
            assertThat(server.group("lobby").size()).isEqualTo(2);
        } finally {
            server.drain(java.time.Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHelloWithoutANameIsRefused() throws Exception {
        TetherServer server = ChatServer.start("127.0.0.1", 0);
        try (dev.tether.client.TetherClient nameless = dev.tether.client.TetherClient.builder()
                .endpoint("127.0.0.1", server.port()).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> nameless.connect().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(dev.tether.client.AuthenticationException.class)
                    .hasMessageContaining("set a client id");
        } finally {
            server.stop();
        }
    }
}
