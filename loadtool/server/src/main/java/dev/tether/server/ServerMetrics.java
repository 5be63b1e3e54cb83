package dev.tether.server;

/**
 * A snapshot of what a {@link TetherServer} is doing, to be fed to the application's own metrics
 * system (take one every few seconds: it is cheap, but not free). Totals count since the server started.
 *
 * @param stats the server's counters: connections, handshakes, requests, pushes, sends, bytes, evictions,
 *     refusals, errors (see {@link ServerStats} for each)
 * @param memoryBudgetBytes the memory budget in force (see {@link TetherServer.Builder#memoryBudget})
 * @param memoryInUseBytes what the server holds for its connections right now, counted against the budget
 */
public record ServerMetrics(ServerStats stats, long memoryBudgetBytes, long memoryInUseBytes) {
    /** Connections open right now, handshake pending or not. */
    public int sessions() {
        return stats.connections();
    }

    /** Handshakes completed (a WELCOME was sent). */
    public long handshakes() {
        return stats.handshakesTotal();
    }

    /** Requests received. */
    public long requests() {
        return stats.requestsTotal();
    }

    /** Pushes written to sessions (one per member of a group push). */
    public long pushes() {
        return stats.pushesTotal();
    }

    /**
     * Sessions the server closed against the client's will: idle ones ({@link ServerStats#evictions()}) and
     * slow consumers ({@link ServerStats#slowConsumers()}, including those shed for memory).
     */
    public long evictions() {
        return stats.evictions() + stats.slowConsumers();
    }

    /** The fraction of the memory budget in use, 0 to 1 (it can pass 1 briefly before shedding acts). */
    public double memoryBudgetUse() {
        return (double) memoryInUseBytes / memoryBudgetBytes;
    }
}
