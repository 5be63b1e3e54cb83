package dev.tether.loadtool.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.server.ServerStats;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
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

    /**
     * The counters of a server that ended: its totals, and nothing open. The {@code int} components of
     * {@link ServerStats} are what a server holds right now (connections, sessions), the {@code long} ones are totals.
     */
    public static ServerStats withoutConnections(ServerStats s) {
        RecordComponent[] parts = ServerStats.class.getRecordComponents();
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].getType() == int.class ? (Object) 0 : read(parts[i], s);
        }
        return construct(parts, values);
    }

    /** The sum of several servers' counters, component by component: what they hold and did together. */
    public static ServerStats sum(List<ServerStats> all) {
        RecordComponent[] parts = ServerStats.class.getRecordComponents();
        Object[] values = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long total = 0;
            for (ServerStats s : all) {
                total += ((Number) read(parts[i], s)).longValue();
            }
            values[i] = parts[i].getType() == int.class ? (Object) (int) Math.min(Integer.MAX_VALUE, total) : (Object) total;
        }
        return construct(parts, values);
    }

    private static Object read(RecordComponent part, ServerStats s) {
        try {
            return part.getAccessor().invoke(s);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServerStats construct(RecordComponent[] parts, Object[] values) {
        Class<?>[] types = new Class<?>[parts.length];
        for (int i = 0; i < parts.length; i++) {
            types[i] = parts[i].getType();
        }
        try {
            return ServerStats.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ServerStats has components other than int and long counters", e);
        }
    }
}
