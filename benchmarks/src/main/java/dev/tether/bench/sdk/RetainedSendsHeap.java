package dev.tether.bench.sdk;

import dev.tether.client.ClientConfig;
import dev.tether.client.ClientResources;
import dev.tether.client.ClientStats;
import dev.tether.client.TetherClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Heap per client for the sends it retains until the server acknowledges them (session resumption): connects
 * N clients to a server in another process, measures the heap after a GC, prints {@code READY} and waits for a
 * line on stdin (meanwhile the caller freezes the server, {@code kill -STOP}, so that nothing is acknowledged),
 * then sends K payloads of {@code size} distinct bytes per client and measures again. The difference over N is
 * the heap one client holds for K unacknowledged sends (in the send buffer or awaiting acknowledgement).
 *
 * <pre>java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.tether.bench.sdk.RetainedSendsHeap [clients=2000] [sends=100] [size=64] [port=7400] [resumption=true]</pre>
 */
public final class RetainedSendsHeap {
    private RetainedSendsHeap() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 7400;
        boolean resumption = args.length <= 4 || Boolean.parseBoolean(args[4]);
        try (ClientResources resources = ClientResources.create(2)) {
            ClientConfig config = ClientConfig.builder().endpoint("127.0.0.1", port).resumption(resumption).build();
            List<TetherClient> clients = new ArrayList<>(n);
            List<CompletableFuture<Void>> connects = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                TetherClient c = TetherClient.builder().config(config).resources(resources).build();
                clients.add(c);
                connects.add(c.connect());
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            // Warm the send path (acknowledged while the server still runs), then measure the idle clients.
            List<CompletableFuture<Void>> warm = new ArrayList<>(n);
            for (TetherClient c : clients) {
                warm.add(c.send(new byte[size]));
            }
            CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long idle = usedHeapAfterGc();
            System.out.println("READY " + clients.get(0).stats().resumption());
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            List<CompletableFuture<Void>> pending = new ArrayList<>(n * k);
            for (int s = 0; s < k; s++) {
                for (TetherClient c : clients) {
                    pending.add(c.send(new byte[size]));
                }
            }
            // Until every send has reached its client's books (awaiting acknowledgement, or in the send buffer once
            // the socket is full), or 60 s: the event loops take a while for n * k sends on a busy machine.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long held;
            long done;
            do {
                Thread.sleep(200);
                held = 0;
                for (TetherClient c : clients) {
                    ClientStats st = c.stats();
                    held += st.sendsAwaitingAck() + st.bufferedSends();
                }
                done = pending.stream().filter(CompletableFuture::isDone).count();
            } while (held + done < (long) n * k && System.nanoTime() - deadline < 0);
            long retained = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "retained: clients=%d sends/client=%d size=%d completed=%d held=%d heapIdle=%.1f MiB heapRetained=%.1f MiB"
                            + " perClient=%.0f bytes perSend=%.1f bytes%n", n, k, size, done, held, idle / 1048576.0, retained / 1048576.0,
                    (retained - idle) / (double) n, (retained - idle) / (double) n / k);
            System.exit(0); // the server is frozen: no graceful close
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
