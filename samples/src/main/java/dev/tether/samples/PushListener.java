/*
 * PushListener: receive the server's pushes and watch the connection state. Stop the server while it
 * runs (Ctrl-C in the server's terminal) and start it again: the client goes RECONNECTING, retries with
 * backoff, and is CONNECTED again without any code of yours.
 *
 * Build once (mvn -B -q -DskipTests install); start a server that pushes twice a second in another
 * terminal:   ./bin/loadtool server --push-rate 2
 * Then:   mvn -q -pl samples exec:java -Dexec.mainClass=dev.tether.samples.PushListener -Dexec.args="127.0.0.1 7000"
 * Arguments (all optional): host (127.0.0.1), port (7000), how long to listen in seconds (until Ctrl-C).
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.TetherClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

public final class PushListener {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7000;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;

        ClientConfig config = ClientConfig.builder()
                .endpoint(host, port)
                // retry quickly for the demo: 200 ms, doubling up to 5 s, ±20% jitter
                .backoff(Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(5), 2.0, 0.2))
                .build();
        // Listeners run on the client's event-loop thread: print and return, never block there.
        try (TetherClient client = TetherClient.builder()
                .config(config)
                .onPush(push -> System.out.println("push" + (push.topic() == null ? "" : " [" + push.topic() + "]")
                        + ": " + new String(push.payload(), UTF_8).replaceAll("\\p{Cntrl}", ".")))
                .onStateChange(change -> System.out.println("state: " + change.previous() + " -> " + change.current()
                        + (change.delay() == null ? "" : ", next attempt " + change.attempt() + " in "
                        + change.delay().toMillis() + " ms")))
                .build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            System.out.println("listening on " + host + ":" + port + "; stop and restart the server to see a reconnect");
            // The main thread has nothing to do: pushes arrive on the listener. Interrupt (Ctrl-C) ends the wait.
            TimeUnit.SECONDS.sleep(seconds);
        }
    }

    private PushListener() {
    }
}
