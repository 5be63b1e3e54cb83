package dev.tether.loadtool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.client.Backoff;
import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ClientStats;
import dev.tether.client.ConnectionState;
import dev.tether.client.Resumption;
import dev.tether.client.TetherClient;
import dev.tether.server.ReferenceServer;
import dev.tether.server.ServerStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's promise, end to end: 200 real clients connect through the fault proxy, stream one-way sends and
 * receive pushes while every connection is cut four times (the cuts on a fake clock, so exactly when the test
 * says, with traffic in flight and sends issued while the clients reconnect). The server's application must
 * receive every client's sends exactly once and in order, and every client's push listener every push exactly
 * once and in order: checked by content (payload {@code clientIndex:counter}, push {@code counter}), not by
 * totals. Loopback only; every wait is bounded; everything is closed.
 */
class ResumptionEndToEndTest {
    private static final int CLIENTS = 200;
    private static final int CUTS = 4;
    /** Sends per client and pushes (broadcasts) per round; a round ends with a cut, the last one without. */
    private static final int PER_ROUND = 12;
    private static final int ROUNDS = CUTS + 1;
    private static final Duration WAIT = Duration.ofSeconds(25);

    private final FakeFaultClock clock = new FakeFaultClock();
    /** What the server's application received, per client id, in the order it received it. */
    private final Map<String, ConcurrentLinkedQueue<String>> received = new ConcurrentHashMap<>();
    private final List<ConcurrentLinkedQueue<Integer>> pushes = new ArrayList<>();
    private final List<TetherClient> clients = new ArrayList<>();
    private ReferenceServer server;
    private FaultProxy proxy;
    private ClientResources resources;

    @AfterEach
    void tearDown() throws Exception {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (TetherClient c : clients) {
            closes.add(c.closeAsync());
        }
        CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (resources != null) {
            resources.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.closeNow();
        }
    }

    @Test
    void everySendAndEveryPushArrivesExactlyOnceInOrderThroughFourCutsOfEveryConnection() throws Exception {
        server = ReferenceServer.builder().host("127.0.0.1").port(0)
                .onSend((clientId, payload) -> received.computeIfAbsent(clientId, k -> new ConcurrentLinkedQueue<>())
                        .add(new String(payload, StandardCharsets.US_ASCII)))
                .start();
        proxy = FaultProxy.builder().target(server.address()).faults(FaultSpec.parse("cut every 1s")).clock(clock).ioThreads(1).start();
        resources = ClientResources.create(2);
        List<CompletableFuture<Void>> connects = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            ConcurrentLinkedQueue<Integer> mine = new ConcurrentLinkedQueue<>();
            pushes.add(mine);
            TetherClient c = TetherClient.builder()
                    .config(ClientConfig.builder().endpoint("127.0.0.1", proxy.address().getPort()).clientId("c" + i)
                            .backoff(Backoff.constant(Duration.ofMillis(20))).build())
                    .resources(resources)
                    .onPush(p -> mine.add(Integer.parseInt(new String(p.payload(), StandardCharsets.US_ASCII))))
                    .build();
            clients.add(c);
            connects.add(c.connect());
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(clients).allMatch(c -> c.stats().resumption() == Resumption.ON);

        List<CompletableFuture<Void>> sends = new ArrayList<>();
        int half = PER_ROUND / 2;
        for (int round = 0; round < ROUNDS; round++) {
            int first = round * PER_ROUND;
            send(sends, first, first + half);
            for (int j = first; j < first + PER_ROUND; j++) {
                server.broadcast(null, Integer.toString(j).getBytes(StandardCharsets.US_ASCII));
            }
            if (round < CUTS) {
                clock.advance(Duration.ofSeconds(1)); // every connection cut, sends and pushes in flight
                send(sends, first + half, first + PER_ROUND); // while the clients reconnect
                int resumed = round + 1;
                await("every client resumed " + resumed + " time(s)", () -> clients.stream()
                        .allMatch(c -> c.state() == ConnectionState.CONNECTED && c.stats().resumesSucceeded() == resumed));
            } else {
                send(sends, first + half, first + PER_ROUND);
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        int total = ROUNDS * PER_ROUND;
        await("every push received", () -> pushes.stream().allMatch(q -> q.size() >= total));

        List<Integer> expectedPushes = IntStream.range(0, total).boxed().collect(Collectors.toList());
        for (int i = 0; i < CLIENTS; i++) {
            int client = i;
            List<String> expectedSends = IntStream.range(0, total).mapToObj(k -> client + ":" + k).collect(Collectors.toList());
            assertThat(new ArrayList<>(received.getOrDefault("c" + i, new ConcurrentLinkedQueue<>())))
                    .as("sends the server's application received from client %d, in order", i).isEqualTo(expectedSends);
            assertThat(new ArrayList<>(pushes.get(i))).as("pushes client %d received, in order", i).isEqualTo(expectedPushes);
        }
        long resumes = 0;
        long failed = 0;
        long missing = 0;
        long resent = 0;
        for (TetherClient c : clients) {
            ClientStats s = c.stats();
            resumes += s.resumesSucceeded();
            failed += s.resumesFailed();
            missing += s.pushesMissing();
            resent += s.sendsResentAfterSessionLoss() + s.sendsFailedOnSessionLoss();
            assertThat(s.sendsAwaitingAck()).isZero();
        }
        assertThat(resumes).isEqualTo((long) CLIENTS * CUTS);
        assertThat(failed).isZero();
        assertThat(missing).isZero();
        assertThat(resent).isZero();
        ServerStats st = server.stats();
        assertThat(st.sessionsResumed()).isEqualTo((long) CLIENTS * CUTS);
        assertThat(st.resumesRefused()).isZero();
        assertThat(st.sendsTotal()).isEqualTo((long) CLIENTS * total);
        assertThat(st.pushesDroppedFromWindow()).isZero();
        assertThat(proxy.stats().connectionsCut()).isGreaterThanOrEqualTo((long) CLIENTS * CUTS);
    }

    private void send(List<CompletableFuture<Void>> sends, int from, int to) {
        for (int k = from; k < to; k++) {
            for (int i = 0; i < CLIENTS; i++) {
                sends.add(clients.get(i).send((i + ":" + k).getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }

    /** Polls until {@code condition} holds, for at most {@link #WAIT}. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
