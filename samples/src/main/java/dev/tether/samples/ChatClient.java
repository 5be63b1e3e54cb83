/*
 * ChatClient: the chat server's client, on the SDK. Type a line to say it in the current room;
 * "/join ROOM" joins a room (and makes it current), "/leave ROOM" leaves one, "/quit" or end of input ends.
 * What anyone says in your rooms arrives as a push and is printed as "[room] name: text".
 *
 * Room membership lives with the server's connection, so after a reconnect (even one that resumed the session:
 * pushes missed meanwhile are replayed) the client joins its rooms again, from its state listener.
 *
 * Build once (mvn -B -q -DskipTests install), start ChatServer, then in two terminals:
 *   mvn -q -pl samples exec:java -Dexec.mainClass=dev.tether.samples.ChatClient -Dexec.args="127.0.0.1 7000 alice"
 *   mvn -q -pl samples exec:java -Dexec.mainClass=dev.tether.samples.ChatClient -Dexec.args="127.0.0.1 7000 bob"
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.client.ClientConfig;
import dev.tether.client.ConnectionState;
import dev.tether.client.ServerErrorException;
import dev.tether.client.TetherClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

public final class ChatClient {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7000;
        String name = args.length > 2 ? args[2] : System.getProperty("user.name", "guest");
        run(host, port, name, new BufferedReader(new InputStreamReader(System.in, UTF_8)), System.out::println);
    }

    /** Chats as {@code name}, reading commands from {@code input} and printing to {@code out}, until end of input or /quit. */
    public static void run(String host, int port, String name, BufferedReader input, Consumer<String> out) throws Exception {
        Set<String> rooms = ConcurrentHashMap.newKeySet();
        AtomicReference<TetherClient> self = new AtomicReference<>();
        try (TetherClient client = TetherClient.builder()
                .config(ClientConfig.builder().endpoint(host, port).clientId(name).build()) // your name in the chat
                // Pushes arrive on the client's event loop: print and return.
                .onPush(push -> out.accept("[" + push.topic() + "] " + new String(push.payload(), UTF_8)))
                // Back after a reconnect: join the rooms again (asynchronously: never block the event loop).
                .onStateChange(change -> {
                    if (change.current() == ConnectionState.CONNECTED && self.get() != null) {
                        for (String r : rooms) {
                            self.get().request(("join " + r).getBytes(UTF_8));
                        }
                    }
                })
                .build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            self.set(client);
            out.accept("connected as " + name + "; /join ROOM to start");
            String room = null;
            for (String line; (line = input.readLine()) != null && !line.equals("/quit"); ) {
                String request;
                if (line.startsWith("/join ")) {
                    room = line.substring(6).trim();
                    rooms.add(room);
                    request = "join " + room;
                } else if (line.startsWith("/leave ")) {
                    rooms.remove(line.substring(7).trim());
                    request = "leave " + line.substring(7).trim();
                } else if (room == null) {
                    out.accept("join a room first: /join ROOM");
                    continue;
                } else {
                    request = "say " + room + " " + line;
                }
                try {
                    String reply = new String(client.request(request.getBytes(UTF_8)).get(10, TimeUnit.SECONDS), UTF_8);
                    if (!reply.equals("ok")) {
                        out.accept(reply);
                    }
                } catch (ExecutionException e) {
                    // The server refused this one request (e.g. "join ROOM first"); the connection stays up.
                    out.accept("error: " + (e.getCause() instanceof ServerErrorException s ? s.text() : e.getCause().toString()));
                }
            }
        }
        out.accept("bye");
    }

    private ChatClient() {
    }
}
