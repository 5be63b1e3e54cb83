/*
 * ChatServer: a server of your own on the Tether server library. Clients join and leave rooms by request,
 * and what one member says is pushed to every member of the room: one group push, encoded once.
 *
 * Requests (UTF-8 text): "join ROOM", "leave ROOM", "say ROOM TEXT". Pushes carry the room as their topic.
 * The client id of the hello is the user's name; a hello without one is refused (AUTH_FAILED).
 *
 * Build once (mvn -B -q -DskipTests package), then, with a host and port (default 127.0.0.1 7000):
 *   java -cp samples/target/classes:loadtool/target/loadtool.jar dev.tether.samples.ChatServer 127.0.0.1 7000
 * and talk to it with ChatClient (or loadtool shell: request join lobby), or load it with
 * loadtool run --target 127.0.0.1:7000 --mix samples/chat-load.mix (see samples/README.md). Ctrl-C drains it.
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.server.AuthResult;
import dev.tether.server.Authenticator;
import dev.tether.server.RequestException;
import dev.tether.server.ServerGroup;
import dev.tether.server.ServerSession;
import dev.tether.server.TetherServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

public final class ChatServer {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7000;
        TetherServer server = start(host, port);
        System.out.println("chat server listening on " + host + ":" + server.port());
        // Ctrl-C: GO_AWAY to every client, answer what is in flight, close (at most 5 s).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.drain(Duration.ofSeconds(5)).join()));
        server.terminationFuture().get();
    }

    /** Starts the chat server; port 0 picks a free one. */
    public static TetherServer start(String host, int port) {
        return TetherServer.builder()
                .host(host)
                .port(port)
                // Who you are: your client id, which must not be empty. A real server would check a token here.
                .authenticator((clientId, token, remote) -> Authenticator.now(clientId.isBlank()
                        ? AuthResult.refuse("set a client id: it is your name in the chat")
                        : AuthResult.accept(clientId)))
                // The handler runs on the event loop: everything below is quick and never blocks.
                .handler((session, payload) -> CompletableFuture.completedFuture(answer(session, new String(payload, UTF_8))))
                .start();
    }

    private static byte[] answer(ServerSession session, String request) {
        String[] words = request.split(" ", 3);
        if (words.length < 2 || words[1].isEmpty()) {
            throw RequestException.applicationError("say 'join ROOM', 'leave ROOM' or 'say ROOM TEXT', not '" + request + "'");
        }
        ServerGroup room = session.server().group(words[1]);
        String me = session.principal();
        switch (words[0]) {
            case "join":
                if (room.join(session)) {
                    room.push(room.name(), ("* " + me + " joined").getBytes(UTF_8));
                }
                return ("joined " + room.name() + " (" + room.size() + (room.size() == 1 ? " member)" : " members)")).getBytes(UTF_8);
            case "leave":
                if (room.leave(session)) {
                    room.push(room.name(), ("* " + me + " left").getBytes(UTF_8));
                }
                return ("left " + room.name()).getBytes(UTF_8);
            case "say":
                if (!room.contains(session)) {
                    throw RequestException.applicationError("join " + room.name() + " first");
                }
                // One push to the group: encoded once, queued for every member; a member that stops reading is
                // dropped alone (slow consumer), the others never wait for it.
                room.push(room.name(), (me + ": " + (words.length > 2 ? words[2] : "")).getBytes(UTF_8));
                return "ok".getBytes(UTF_8);
            default:
                throw RequestException.applicationError("unknown command '" + words[0] + "'");
        }
    }

    private ChatServer() {
    }
}
