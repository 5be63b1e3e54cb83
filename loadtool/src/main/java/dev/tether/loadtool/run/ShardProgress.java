package dev.tether.loadtool.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One second of a shard's progress as one JSON line, written by a child of {@code run --processes} on its
 * standard output and read by the parent, which adds the seconds of all children into one live line. The
 * interval histogram of the primary metric travels whole (HdrHistogram's compressed encoding, base64), so the
 * parent's percentiles are of every value, never averages of the children's.
 *
 * @param phase      the child's phase ({@code ramp}, {@code setup}, {@code warmup}, {@code run}, {@code drain})
 * @param connected  clients connected now
 * @param count      operations (or connects, in the ramp) in the interval
 * @param seconds    the interval's length
 * @param errors     errors so far
 * @param reconnects reconnects so far
 * @param unit       what one count is ("req", "sends", "connects", ...)
 * @param metric     the histogram's tag ({@code latency}, {@code connect}, ...)
 * @param histogram  the interval's values, or {@code null} when there were none
 */
record ShardProgress(String phase, int connected, long count, double seconds, long errors, long reconnects, String unit,
                     String metric, Histogram histogram) {
    /** The first characters of every progress line; anything else a child prints is text for the user. */
    static final String PREFIX = "{\"tetherProgress\":1,";
    /**
     * The line a child started with {@link ShardOptions#START_SIGNAL_OPTION} prints once its clients are built and
     * warmed up; it then waits for a start time on its standard input.
     */
    static final String READY = "{\"tetherReady\":1}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes this as one line. */
    void write(PrintWriter out) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("connected", connected);
        m.put("count", count);
        m.put("seconds", seconds);
        m.put("errors", errors);
        m.put("reconnects", reconnects);
        m.put("unit", unit);
        m.put("metric", metric);
        if (histogram != null && histogram.getTotalCount() > 0) {
            ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int length = histogram.encodeIntoCompressedByteBuffer(buffer);
            m.put("histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length)));
        }
        try {
            String json = JSON.writeValueAsString(m);
            synchronized (out) {
                out.println(PREFIX + json.substring(1));
                out.flush();
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a line of a child's output is a progress line. */
    static boolean isProgress(String line) {
        return line.startsWith(PREFIX);
    }

    /** @throws IllegalArgumentException for a line that is not a progress line */
    static ShardProgress parse(String line) {
        try {
            Map<?, ?> m = JSON.readValue(line, Map.class);
            Histogram h = null;
            Object encoded = m.get("histogram");
            if (encoded != null) {
                h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode((String) encoded)), 0);
            }
            return new ShardProgress((String) m.get("phase"), ((Number) m.get("connected")).intValue(),
                    ((Number) m.get("count")).longValue(), ((Number) m.get("seconds")).doubleValue(),
                    ((Number) m.get("errors")).longValue(), ((Number) m.get("reconnects")).longValue(),
                    (String) m.get("unit"), (String) m.get("metric"), h);
        } catch (JsonProcessingException | DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a progress line: " + (line.length() > 80 ? line.substring(0, 80) + "..." : line), e);
        }
    }
}
