package dev.tether.client.internal;

import dev.tether.client.netty.SingleWriterFrameCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A client's totals for {@link dev.tether.client.TetherClient#stats()}: the frames and bytes its codec
 * counts on every connection (all on the client's event loop, the one writer), and the requests in flight.
 * Written only on the loop with release stores, read from any thread with acquire loads.
 */
final class ClientCounters extends SingleWriterFrameCounters {
    private static final VarHandle REQUESTS_IN_FLIGHT;

    static {
        try {
            REQUESTS_IN_FLIGHT = MethodHandles.lookup().findVarHandle(ClientCounters.class, "requestsInFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int requestsInFlight;

    /** A request was written and now waits for its answer (loop only). */
    void requestWritten() {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight + 1);
    }

    /** {@code n} requests in flight were answered, timed out or failed (loop only). */
    void requestsDone(int n) {
        REQUESTS_IN_FLIGHT.setRelease(this, requestsInFlight - n);
    }

    /** Requests written and not yet answered; safe from any thread. */
    int requestsInFlight() {
        return (int) REQUESTS_IN_FLIGHT.getAcquire(this);
    }

    /** The same, for the loop that writes it (a plain read). */
    int requestsInFlightOnLoop() {
        return requestsInFlight;
    }
}
