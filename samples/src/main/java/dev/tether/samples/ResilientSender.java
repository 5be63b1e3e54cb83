/*
 * ResilientSender: a steady stream of one-way sends while the server crashes and comes back. The sample
 * runs its own ReferenceServer so it can count, on the server side, what actually arrived.
 *
 * What the SDK guarantees: a send made while the client is reconnecting waits in a bounded buffer
 * (ClientConfig.sendBufferMessages/sendBufferBytes) and is written after the reconnect, in order; a full
 * buffer fails the send at once (SendBufferFullException) instead of growing. With session resumption
 * (protocol version 2, on by default when the server offers it, as the reference server does) a send's
 * future completes when the server has acknowledged it, and a send written to a socket that dies is kept
 * and sent again when the session resumes: the server delivers it once. This sample restarts its server,
 * which loses its sessions: the client is told (TetherClient.Builder.onSessionLoss) and, by the default
 * UnacknowledgedSends.RESEND, sends again what was not acknowledged, counted as possibly duplicated
 * (stats().sendsResentAfterSessionLoss()); UnacknowledgedSends.FAIL fails them with SessionLostException
 * instead. Nothing is dropped without a count: compare the server's count below with the client's.
 *
 * Build once (mvn -B -q -DskipTests install), then:
 *   mvn -q -pl samples exec:java -Dexec.mainClass=dev.tether.samples.ResilientSender -Dexec.args="600 200"
 * Arguments (all optional): messages to send (600), sends per second (200).
 */
package dev.tether.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.TetherClient;
import dev.tether.server.ReferenceServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public final class ResilientSender {
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 200;

        ReferenceServer server = ReferenceServer.builder().port(0).start();
        int port = server.port();
        long arrivedBeforeCrash = 0;
        AtomicInteger written = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ClientConfig config = ClientConfig.builder()
                .endpoint("127.0.0.1", port)
                .backoff(Backoff.constant(Duration.ofMillis(100)))
                .build();
        try (TetherClient client = TetherClient.builder().config(config)
                .onStateChange(change -> System.out.println("state: " + change.current())).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            long pauseNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
            for (int i = 0; i < messages; i++) {
                if (i == messages / 3) {
                    server.closeNow(); // a crash: no GO_AWAY, open sockets are cut
                    server.terminationFuture().get(10, TimeUnit.SECONDS);
                    arrivedBeforeCrash = server.stats().sendsTotal();
                    System.out.println("server stopped after " + i + " sends");
                }
                if (i == 2 * messages / 3) {
                    server = ReferenceServer.builder().port(port).start();
                    System.out.println("server restarted with " + client.stats().bufferedSends() + " sends buffered");
                }
                client.send(("message " + i).getBytes(UTF_8)).whenComplete((ok, error) ->
                        (error == null ? written : failed).incrementAndGet());
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
            }
            // Let the buffer drain to the new connection before closing.
            for (int waited = 0; client.stats().bufferedSends() > 0 && waited < 100; waited++) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } // close(): graceful, flushes what was written
        server.close(); // graceful drain: the server has read everything the client wrote
        long arrivedAfterRestart = server.stats().sendsTotal();
        long arrived = arrivedBeforeCrash + arrivedAfterRestart;
        System.out.printf("sent %d: written %d, failed %d%n", messages, written.get(), failed.get());
        System.out.printf("arrived %d (%d before the crash, %d after the restart), lost %d%n",
                arrived, arrivedBeforeCrash, arrivedAfterRestart, messages - failed.get() - arrived);
    }

    private ResilientSender() {
    }
}
