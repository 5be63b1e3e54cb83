package dev.tether.server;

import java.util.concurrent.atomic.LongAdder;

/** The server-wide totals behind {@link ServerStats}; written from every event loop. */
final class ServerCounters {
    final LongAdder handshakes = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder pushes = new LongAdder();
    final LongAdder sends = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder rejectedFull = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder applicationErrors = new LongAdder();

    ServerStats snapshot(int connections) {
        return new ServerStats(connections, handshakes.sum(), requests.sum(), pushes.sum(), sends.sum(), bytesIn.sum(),
                bytesOut.sum(), evictions.sum(), protocolErrors.sum(), authFailures.sum(), rejectedFull.sum(),
                handshakeTimeouts.sum(), slowConsumers.sum(), applicationErrors.sum());
    }
}
