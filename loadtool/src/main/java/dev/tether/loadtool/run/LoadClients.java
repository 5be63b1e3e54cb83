package dev.tether.loadtool.run;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The run's clients as {@link LoadRun} sees them: {@link ClientPool} in a real run, a scripted set in tests
 * that run on fake time.
 */
interface LoadClients extends AutoCloseable {

    /** Opens the clients of a run (not connected yet). */
    interface Factory {
        LoadClients open(LoadPlan plan, List<InetSocketAddress> targets, RunMetrics metrics, RunClock clock);
    }

    int size();

    /** Client {@code i}, for its {@link ClientSlot}. */
    LoadConnection connection(int i);

    /** Starts client {@code i}'s first connect; records its connect time or counts the failure. */
    CompletableFuture<?> connect(int i);

    /** Connects and closes a few throw-away clients so that the ramp measures the server, not the JIT. */
    void warmUp(boolean request);

    int connected();

    long reconnects();

    /** From the first connect call to the last successful handshake of the ramp; 0 when nothing connected. */
    long rampNanos();

    /** The clients' own figures about their sessions and deliveries, summed; read at the end of a run. */
    SessionCounters sessionCounters();

    /**
     * Clients that never completed a handshake so far, by their last failure's reason (in the operating
     * system's words where it has them), or {@link #STILL_CONNECTING} when none failed yet; empty when every
     * client connected at least once.
     */
    default java.util.Map<String, Long> neverConnected() {
        return java.util.Map.of();
    }

    /** The reason of a client whose first handshake is still under way with no failure seen. */
    String STILL_CONNECTING = "still connecting, no failure seen";

    /** Records each client's heartbeat round trip if it changed since the last sample. */
    void sampleHeartbeats();

    @Override
    void close();
}
