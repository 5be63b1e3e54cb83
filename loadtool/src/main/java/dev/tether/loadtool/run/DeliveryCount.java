package dev.tether.loadtool.run;

import dev.tether.loadtool.report.Delivery;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts, at the end of a run, what became of its sends and pushes: the generator's own futures beside the
 * clients' statistics (and the embedded server's), as one {@link Delivery}.
 *
 * <p>The two sides are read one after the other while acknowledgements may still arrive: a client counts a
 * send acknowledged a moment before the send's future tells the generator. So the count is read until it is
 * balanced and the generator's figures did not move while the clients' were read, for at most
 * {@value #SETTLE_MILLIS} ms; a difference that stays that long is real, and the report says so loudly.
 */
final class DeliveryCount {
    /** How long the count may take to settle, in milliseconds. */
    static final long SETTLE_MILLIS = 500;

    private DeliveryCount() {
    }

    /**
     * The run's delivery; {@code server} is {@code null} for a remote target (its figures are not known).
     * {@code sends}: whether the workload sends; when it does not, what waits in the clients' send buffers
     * is requests, not sends.
     */
    static Delivery settle(RunMetrics metrics, LoadClients clients, EmbeddedServer server, boolean sends) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        while (true) {
            long[] before = generator(metrics);
            SessionCounters sessions = clients.sessionCounters();
            ServerSessionCounters onServer = server == null ? null : server.sessionCounters();
            long[] after = generator(metrics);
            Delivery d = of(after, sessions, onServer, sends);
            boolean steady = java.util.Arrays.equals(before, after);
            if ((steady && d.balanced()) || System.nanoTime() - deadline > 0) {
                return d;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static long[] generator(RunMetrics m) {
        return new long[] {m.sendsIssued.sum(), m.sendsRefused.sum(), m.sendsAcknowledged.sum(), m.sendsFailed.sum(),
                m.pushesReceived.sum()};
    }

    static Delivery of(long[] g, SessionCounters c, ServerSessionCounters s, boolean sends) {
        long unknown = -1;
        return new Delivery(g[0] - g[1], g[1], g[2], g[3], sends ? c.sendsHeld() : c.sendsAwaitingAck(),
                c.sendsRetransmitted(), c.sendsResentAfterSessionLoss(), c.sendsFailedOnSessionLoss(),
                s == null ? unknown : s.sendsReceived(), s == null ? unknown : s.sendDuplicatesDropped(),
                g[4], c.pushesReplayed(), c.pushDuplicatesDropped(), c.pushesMissing(),
                s == null ? unknown : s.pushesReplayed(), s == null ? unknown : s.pushesDroppedFromWindow(),
                c.resumesSucceeded(), c.resumesFailed(),
                s == null ? unknown : s.sessionsResumed(), s == null ? unknown : s.resumesRefused(),
                c.resumptionOn(), c.resumptionOff(), c.resumptionNotOffered(), c.resumptionNotConnected());
    }
}
