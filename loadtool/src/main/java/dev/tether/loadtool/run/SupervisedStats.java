package dev.tether.loadtool.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.ServerStats;
import java.io.PrintWriter;
import java.util.List;

/**
 * A supervised server's counters as one JSON line ({@code {"tetherServerStats":1,"stats":{...}}}), written by each
 * child of {@link ServerProcesses} once a second and once more when it has drained, and read by the parent, which adds
 * them into one stats line. The counters travel as totals, so a lost or late line changes nothing but that second.
 */
public final class SupervisedStats {
    /** The first characters of every stats line; anything else a child prints is text for the user. */
    public static final String PREFIX = "{\"tetherServerStats\":1,";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SupervisedStats() {
    }

    /** Writes {@code stats} as one line and flushes. */
    public static void write(ServerStats stats, PrintWriter out) {
        try {
            String line = PREFIX + "\"stats\":" + JSON.writeValueAsString(stats) + "}";
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The counters of a stats line, or {@code null} for any other line (or a stats line cut short). */
    public static ServerStats parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return null;
        }
        try {
            JsonNode stats = JSON.readTree(line).get("stats");
            return stats == null ? null : JSON.treeToValue(stats, ServerStats.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The counters of a server that ended: its totals, and no connections open. */
    public static ServerStats withoutConnections(ServerStats s) {
        return new ServerStats(0, s.handshakesTotal(), s.requestsTotal(), s.pushesTotal(), s.sendsTotal(), s.bytesIn(), s.bytesOut(),
                s.evictions(), s.protocolErrors(), s.authFailures(), s.rejectedFull(), s.handshakeTimeouts(), s.slowConsumers(),
                s.applicationErrors());
    }

    /** The sum of several servers' counters: what they hold and did together. */
    public static ServerStats sum(List<ServerStats> all) {
        int connections = 0;
        long[] t = new long[13];
        for (ServerStats s : all) {
            connections += s.connections();
            long[] v = {s.handshakesTotal(), s.requestsTotal(), s.pushesTotal(), s.sendsTotal(), s.bytesIn(), s.bytesOut(),
                    s.evictions(), s.protocolErrors(), s.authFailures(), s.rejectedFull(), s.handshakeTimeouts(),
                    s.slowConsumers(), s.applicationErrors()};
            for (int i = 0; i < t.length; i++) {
                t[i] += v[i];
            }
        }
        return new ServerStats(connections, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12]);
    }
}
