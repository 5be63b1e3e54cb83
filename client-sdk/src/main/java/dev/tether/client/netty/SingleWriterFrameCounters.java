package dev.tether.client.netty;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Frame and byte totals written by one thread and read by any: the writer is the event loop of the
 * channels that count into it (one channel, or several channels of one client, all on the same loop).
 *
 * <p>The writer updates each total with a release store, which costs no fence on x86 and ARM's
 * store-release, and readers use acquire loads, so a reader always sees a whole {@code long} that the
 * writer really stored, never a torn one, and never an older value than one it saw before. A plain
 * {@code long} read across threads gives neither guarantee (JLS 17.7). Unlike a {@code LongAdder} this adds no
 * cells and no contention handling, because there is nothing to contend: only one thread writes.
 *
 * <p>Not final: a server or client that counts more events on the same thread (requests, pushes, requests in
 * flight) extends it and keeps those counts with the same idiom, in one object per connection.
 */
public class SingleWriterFrameCounters implements FrameCounters {
    private static final VarHandle FRAMES_IN;
    private static final VarHandle FRAMES_OUT;
    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FRAMES_IN = l.findVarHandle(SingleWriterFrameCounters.class, "framesIn", long.class);
            FRAMES_OUT = l.findVarHandle(SingleWriterFrameCounters.class, "framesOut", long.class);
            BYTES_IN = l.findVarHandle(SingleWriterFrameCounters.class, "bytesIn", long.class);
            BYTES_OUT = l.findVarHandle(SingleWriterFrameCounters.class, "bytesOut", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long framesIn;
    private long framesOut;
    private long bytesIn;
    private long bytesOut;

    @Override
    public final void frameIn(int bytes) {
        FRAMES_IN.setRelease(this, framesIn + 1);
        BYTES_IN.setRelease(this, bytesIn + bytes);
    }

    @Override
    public final void frameOut(int bytes) {
        FRAMES_OUT.setRelease(this, framesOut + 1);
        BYTES_OUT.setRelease(this, bytesOut + bytes);
    }

    /** Frames decoded so far; safe from any thread. */
    public final long framesIn() {
        return (long) FRAMES_IN.getAcquire(this);
    }

    /** Frames encoded so far; safe from any thread. */
    public final long framesOut() {
        return (long) FRAMES_OUT.getAcquire(this);
    }

    /** Bytes of the frames decoded so far, length prefixes included; safe from any thread. */
    public final long bytesIn() {
        return (long) BYTES_IN.getAcquire(this);
    }

    /** Bytes of the frames encoded so far, length prefixes included; safe from any thread. */
    public final long bytesOut() {
        return (long) BYTES_OUT.getAcquire(this);
    }
}
