/*
 * QuickStart: the smallest complete use of the SDK. Connect, send one request, print the reply, close.
 *
 * Build once (mvn -B -q -DskipTests install), start a server in another terminal (./bin/loadtool server).
 * Then:   mvn -q -pl samples exec:java -Dexec.mainClass=dev.tether.samples.QuickStart -Dexec.args="127.0.0.1 7000"
 * Arguments (all optional): host (127.0.0.1), port (7000), message ("hello, tether").
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.client.TetherClient;
import java.util.concurrent.TimeUnit;

public final class QuickStart {
    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 7000;
        String message = args.length > 2 ? args[2] : "hello, tether";

        // One client owns one logical connection; try-with-resources closes it cleanly.
        try (TetherClient client = TetherClient.builder().endpoint(host, port).build()) {
            // connect() completes once the handshake (HELLO/WELCOME) is done.
            client.connect().get(10, TimeUnit.SECONDS);
            System.out.println("connected to " + host + ":" + port + ", session " + client.stats().sessionId());

            // A request is answered by exactly one response; the reference server echoes the payload.
            byte[] reply = client.request(message.getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
            System.out.println("reply: " + new String(reply, UTF_8));
        }
        System.out.println("closed");
    }

    private QuickStart() {
    }
}
