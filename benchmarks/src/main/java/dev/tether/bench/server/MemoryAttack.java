package dev.tether.bench.server;

import dev.tether.protocol.Hello;
import dev.tether.protocol.Message;
import dev.tether.protocol.MessageDecoder;
import dev.tether.protocol.MessageEncoder;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Request;
import dev.tether.protocol.Response;
import dev.tether.protocol.Welcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The two memory attacks of the hardening issue, against a server on loopback, with a legitimate client
 * probing the server once a second meanwhile. Bounded in connections and time; loopback only.
 *
 * <pre>
 * java -cp benchmarks.jar dev.tether.bench.server.MemoryAttack flood port=7001 connections=250 size=1024 duration=30
 * java -cp benchmarks.jar dev.tether.bench.server.MemoryAttack hello port=7001 connections=300 size=1048575 duration=30
 * </pre>
 *
 * <ul>
 *   <li>{@code flood}: each connection completes its handshake, then writes requests of {@code size} bytes as
 *       fast as the server takes them and never reads (a 4 KiB receive buffer).</li>
 *   <li>{@code hello}: each connection sends the length prefix of a {@code size}-byte frame and then the
 *       frame's bytes except the last one, and holds the connection open.</li>
 * </ul>
 * The probe (every second: connect, HELLO, WELCOME, 10 requests of 64 bytes one after the other, close) prints
 * its handshake time and request latencies; the end prints medians and maxima, and how many probes failed.
 */
public final class MemoryAttack {
    private static final long PROBE_TIMEOUT_MILLIS = 10_000;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Map<String, String> o = new HashMap<>();
        for (String a : Arrays.copyOfRange(args, 1, args.length)) {
            String[] kv = a.split("=", 2);
            o.put(kv[0], kv[1]);
        }
        int port = Integer.parseInt(o.getOrDefault("port", "7001"));
        int connections = Math.min(2_000, Integer.parseInt(o.getOrDefault("connections", "250")));
        int size = Integer.parseInt(o.getOrDefault("size", "1024"));
        int duration = Math.min(600, Integer.parseInt(o.getOrDefault("duration", "30")));
        String token = o.get("token");
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);

        AtomicBoolean stop = new AtomicBoolean();
        Thread attacker = new Thread(() -> {
            try {
                attack(mode, target, connections, size, token, stop);
            } catch (IOException e) {
                System.out.println("attacker stopped: " + e);
            }
        }, "attacker");
        attacker.setDaemon(true);
        attacker.start();

        List<Double> handshakes = new ArrayList<>();
        List<Double> requests = new ArrayList<>();
        int failed = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        for (int second = 1; System.nanoTime() < end; second++) {
            long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            try {
                double[] r = probe(target, token);
                handshakes.add(r[0]);
                double worst = 0;
                for (int i = 1; i < r.length; i++) {
                    requests.add(r[i]);
                    worst = Math.max(worst, r[i]);
                }
                System.out.printf(Locale.ROOT, "t=%ds probe: handshake %.1f ms, requests max %.1f ms%n", second, r[0], worst);
            } catch (IOException e) {
                failed++;
                System.out.printf(Locale.ROOT, "t=%ds probe FAILED: %s%n", second, e);
            }
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
        stop.set(true);
        System.out.printf(Locale.ROOT, "SUMMARY mode=%s connections=%d probes=%d failed=%d handshake median=%.1f ms max=%.1f ms"
                        + " request median=%.2f ms max=%.1f ms%n", mode, connections, handshakes.size() + failed, failed,
                median(handshakes), max(handshakes), median(requests), max(requests));
        System.exit(0);
    }

    private static void attack(String mode, InetSocketAddress target, int n, int size, String token, AtomicBoolean stop)
            throws IOException {
        List<SocketChannel> open = new ArrayList<>();
        List<ByteBuffer> pending = new ArrayList<>();
        byte[] flood = null;
        byte[] hello = ByteBuffer.allocate(size + 3).putInt(size).array(); // prefix + all but the last byte of the frame
        if (mode.equals("flood")) {
            byte[] one = MessageEncoder.toBytes(new Request(1, new byte[size]));
            int copies = Math.max(1, 65_536 / one.length);
            flood = new byte[one.length * copies];
            for (int i = 0; i < copies; i++) {
                System.arraycopy(one, 0, flood, i * one.length, one.length);
            }
        } else if (!mode.equals("hello")) {
            throw new IllegalArgumentException("mode must be flood or hello: " + mode);
        }
        for (int i = 0; i < n && !stop.get(); i++) {
            SocketChannel c = SocketChannel.open();
            c.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            try {
                c.connect(target);
                if (mode.equals("flood")) {
                    c.socket().setSoTimeout((int) PROBE_TIMEOUT_MILLIS);
                    handshake(c.socket(), token);
                    pending.add(ByteBuffer.wrap(flood));
                } else {
                    pending.add(ByteBuffer.wrap(hello)); // one array shared by every connection, a position each
                }
                c.configureBlocking(false);
                open.add(c);
            } catch (IOException e) {
                c.close();
            }
        }
        System.out.println("attacker: " + open.size() + " connections open");
        while (!stop.get()) {
            boolean progress = false;
            for (int i = 0; i < open.size(); i++) {
                SocketChannel c = open.get(i);
                if (!c.isOpen()) {
                    continue;
                }
                ByteBuffer b = pending.get(i);
                if (!b.hasRemaining()) {
                    if (flood == null) {
                        continue; // the partial hello is all sent: hold it
                    }
                    b.rewind();
                }
                try {
                    progress |= c.write(b) > 0;
                } catch (IOException closedByServer) {
                    c.close();
                }
            }
            if (!progress) {
                LockSupport.parkNanos(1_000_000);
            }
        }
        for (SocketChannel c : open) {
            c.close();
        }
    }

    /** One probe: handshake time, then the latency of 10 sequential requests, in ms. */
    private static double[] probe(InetSocketAddress target, String token) throws IOException {
        double[] out = new double[11];
        try (Socket s = new Socket()) {
            long t0 = System.nanoTime();
            s.connect(target, (int) PROBE_TIMEOUT_MILLIS);
            s.setSoTimeout((int) PROBE_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            Reader r = handshake(s, token);
            out[0] = (System.nanoTime() - t0) / 1e6;
            for (int i = 1; i <= 10; i++) {
                long t = System.nanoTime();
                s.getOutputStream().write(MessageEncoder.toBytes(new Request(i, new byte[64])));
                Message m = r.next();
                if (!(m instanceof Response)) {
                    throw new IOException("expected a response, got " + m);
                }
                out[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        return out;
    }

    private static Reader handshake(Socket s, String token) throws IOException {
        s.getOutputStream().write(MessageEncoder.toBytes(new Hello(30_000, "attack-probe", token)));
        Reader r = new Reader(s.getInputStream());
        Message m = r.next();
        if (!(m instanceof Welcome)) {
            throw new IOException("expected WELCOME, got " + m);
        }
        return r;
    }

    private static final class Reader {
        private final InputStream in;
        private final MessageDecoder decoder = new MessageDecoder();
        private final List<Message> ready = new ArrayList<>();
        private final byte[] buf = new byte[8192];

        Reader(InputStream in) {
            this.in = in;
        }

        Message next() throws IOException {
            while (ready.isEmpty()) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("closed by the server");
                }
                try {
                    decoder.decode(ByteBuffer.wrap(buf, 0, n), ready::add);
                } catch (ProtocolException e) {
                    throw new IOException(e);
                }
            }
            return ready.remove(0);
        }
    }

    private static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private MemoryAttack() {
    }
}
