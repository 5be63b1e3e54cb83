package dev.tether.bench.floor;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Only the push fan-out row of {@link Floor}, with a warm-up of its own and the server's CPU split into user and
 * kernel time: 1,000 connections, 200 broadcasts a second of 64 bytes (200,000 deliveries/s), for Tether (the
 * reference server and SDK clients), the bare Netty server and clients, and nats-server with jnats clients
 * (needs {@code -Pbench,nats} and nats-server), in rotating order each round, with the same-round ratios
 * Tether / NATS and Tether / bare.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tether.bench.floor.PushFanOut [--rounds N] [--warmup SECONDS]
 *     [--seconds SECONDS] [--sides tether,bare,nats] [--nats-server PATH] [--jvm-option OPTION]...
 * </pre>
 *
 * <p>Each session is a fresh server and a fresh client JVM (or nats-server, a publisher JVM and a client JVM): the
 * clients connect, the server pushes for the warm-up (default 10 s, long enough for the JIT to compile the push
 * path: in Floor's 2 s a JVM server's CPU still includes C2 compiling it), then for the measured window. Server
 * CPU per delivery = the server process's CPU time (from /proc, all threads) / pushes the clients received.
 */
public final class PushFanOut {
    private static final int CONNECTIONS = 1_000;
    private static final double BROADCASTS_PER_SECOND = 200;
    private static final int PAYLOAD = 64;

    private PushFanOut() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        double warmup = 10;
        double seconds = 5;
        List<String> sides = new ArrayList<>(List.of("tether", "bare", "nats"));
        List<String> jvmOptions = new ArrayList<>(List.of("-XX:+UseG1GC"));
        String natsServer = "nats-server";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--sides" -> sides = new ArrayList<>(List.of(args[++i].split(",")));
                case "--nats-server" -> natsServer = args[++i];
                case "--jvm-option" -> jvmOptions.add(args[++i]);
                default -> {
                    System.err.println("usage: PushFanOut [--rounds N] [--warmup S] [--seconds S] [--sides tether,bare,nats]"
                            + " [--nats-server PATH] [--jvm-option OPTION]...");
                    System.exit(2);
                }
            }
        }
        Path logs = Files.createTempDirectory("tether-push-");
        System.out.printf(Locale.ROOT, "push fan-out: %,d connections x %.0f broadcasts/s of %d B, warm-up %.0f s, measured %.0f s; %s %s; logs in %s%n",
                CONNECTIONS, BROADCASTS_PER_SECOND, PAYLOAD, warmup, seconds, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), logs);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (String s : sides) {
            results.put(s, new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < sides.size(); k++) {
                String side = sides.get((k + round) % sides.size());
                double[] r;
                try {
                    r = side.equals("nats") ? nats(logs, jvmOptions, natsServer, round, warmup, seconds)
                            : jvm(side, logs, jvmOptions, round, warmup, seconds);
                } catch (Exception e) {
                    System.out.printf(Locale.ROOT, "round %d %-6s FAILED: %s%n", round + 1, side, e.getMessage());
                    continue;
                }
                results.get(side).add(new double[] {round, r[0], r[1], r[2], r[3]});
                System.out.printf(Locale.ROOT, "round %d %-6s server %.2f us per delivery (user %.2f, kernel %.2f), %,.0f deliveries/s, load average %.1f%n",
                        round + 1, side, r[0], r[1], r[2], r[3], Floor.loadAverage());
            }
        }
        System.out.printf(Locale.ROOT, "%nmedians of %d round(s)%n%n| side | server CPU per delivery | user | kernel | deliveries/s |%n|---|---:|---:|---:|---:|%n", rounds);
        results.forEach((side, rs) -> System.out.printf(Locale.ROOT, "| %s | %.2f us | %.2f us | %.2f us | %,.0f |%n",
                side, median(rs, 1), median(rs, 2), median(rs, 3), median(rs, 4)));
        for (String other : List.of("nats", "bare")) {
            if (results.containsKey("tether") && results.containsKey(other)) {
                StringBuilder b = new StringBuilder();
                List<Double> ratios = new ArrayList<>();
                for (double[] t : results.get("tether")) {
                    for (double[] o : results.get(other)) {
                        if (o[0] == t[0]) {
                            ratios.add(t[1] / o[1]);
                            b.append(b.length() == 0 ? "" : " · ").append(String.format(Locale.ROOT, "%.2f", t[1] / o[1]));
                        }
                    }
                }
                double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "%ntether / %s, same round: %s (median %.2fx)%n", other, b,
                        sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);
            }
        }
    }

    private static double median(List<double[]> rs, int i) {
        double[] v = rs.stream().mapToDouble(r -> r[i]).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Child agent(String name, Path logs, List<String> options, String heap) throws IOException {
        List<String> o = new ArrayList<>(options);
        o.add(0, heap);
        return Child.agent(name, logs, o);
    }

    /** Server CPU per delivery (all, user, kernel) in microseconds, and deliveries per second. */
    private static double[] jvm(String side, Path logs, List<String> options, int round, double warmup, double seconds) throws Exception {
        String kind = side.equals("tether") ? "sdk" : "bare";
        try (Child server = agent(side + "-server-" + round, logs, options, "-Xmx1g");
             Child client = agent(side + "-client-" + round, logs, options, "-Xmx2g")) {
            int port = Integer.parseInt(server.call(60, "serve " + side + " 2").get("port"));
            client.call(60, "clients " + kind + " " + port + " 2");
            client.call(300, "connect " + CONNECTIONS + " 256");
            long w0 = Long.parseLong(client.call(30, "pushes").get("pushes"));
            Map<String, String> warm = server.call(300, "push " + BROADCASTS_PER_SECOND + " " + warmup + " " + PAYLOAD);
            long p0 = Floor.awaitPushes(client, w0, (long) Floor.num(warm, "broadcasts") * CONNECTIONS);
            long[] t0 = userKernelTicks(server.pid());
            Map<String, String> push = server.call(300, "push " + BROADCASTS_PER_SECOND + " " + seconds + " " + PAYLOAD);
            long[] t1 = userKernelTicks(server.pid());
            long p1 = Floor.awaitPushes(client, p0, (long) Floor.num(push, "broadcasts") * CONNECTIONS);
            return perDelivery(t0, t1, p1 - p0, Floor.num(push, "nanos"));
        }
    }

    private static double[] nats(Path logs, List<String> options, String natsServer, int round, double warmup, double seconds) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Child server = Child.program("nats-server-" + round, logs, natsServer, "-a", "127.0.0.1", "-p", Integer.toString(port));
             Child pub = agent("nats-pub-" + round, logs, options, "-Xmx1g");
             Child client = agent("nats-client-" + round, logs, options, "-Xmx2g")) {
            connectWithin(pub, port);
            client.call(600, "natsclients " + port + " " + CONNECTIONS);
            long w0 = Floor.pushCount(client, "natspushes");
            Map<String, String> warm = pub.call(300, "natspush " + BROADCASTS_PER_SECOND + " " + warmup + " " + PAYLOAD);
            long p0 = Floor.awaitPushes(client, "natspushes", w0, (long) Floor.num(warm, "broadcasts") * CONNECTIONS);
            long[] t0 = userKernelTicks(server.pid());
            Map<String, String> push = pub.call(300, "natspush " + BROADCASTS_PER_SECOND + " " + seconds + " " + PAYLOAD);
            long[] t1 = userKernelTicks(server.pid());
            long p1 = Floor.awaitPushes(client, "natspushes", p0, (long) Floor.num(push, "broadcasts") * CONNECTIONS);
            return perDelivery(t0, t1, p1 - p0, Floor.num(push, "nanos"));
        }
    }

    /** Retries the publisher's connect while nats-server starts (bounded). */
    private static void connectWithin(Child pub, int port) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            try {
                pub.call(60, "natsconnect " + port);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static double[] perDelivery(long[] t0, long[] t1, long delivered, double nanos) {
        double user = (t1[0] - t0[0]) * 1e4 / delivered; // ticks of 10 ms, in microseconds per delivery
        double kernel = (t1[1] - t0[1]) * 1e4 / delivered;
        return new double[] {user + kernel, user, kernel, delivered / (nanos / 1e9)};
    }

    /** utime and stime of a process (all threads), in clock ticks (proc(5) fields 14 and 15). */
    private static long[] userKernelTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
