package dev.tether.loadtool.run;

import dev.tether.server.ServerStats;

/**
 * What the embedded reference server says about delivery and sessions; summed over its restarts
 * ({@code --restart-server-at}). {@link #of(ServerStats)} is the one place that reads the server's figures.
 *
 * @param sendsReceived          sends handed to the server's application
 * @param sendDuplicatesDropped  retransmitted sends it had already and dropped
 * @param pushesReplayed         pushes replayed on resumed sessions
 * @param pushesDroppedFromWindow pushes dropped from a full or old replay window
 * @param sessionsResumed        sessions resumed
 * @param resumesRefused         resume attempts refused (token unknown or expired)
 */
record ServerSessionCounters(long sendsReceived, long sendDuplicatesDropped, long pushesReplayed, long pushesDroppedFromWindow,
                             long sessionsResumed, long resumesRefused) {

    static final ServerSessionCounters NONE = new ServerSessionCounters(0, 0, 0, 0, 0, 0);

    static ServerSessionCounters of(ServerStats s) {
        return new ServerSessionCounters(s.sendsTotal(), s.sendDuplicatesDropped(), s.pushesReplayed(), s.pushesDroppedFromWindow(),
                s.sessionsResumed(), s.resumesRefused());
    }

    ServerSessionCounters plus(ServerSessionCounters o) {
        return new ServerSessionCounters(sendsReceived + o.sendsReceived, sendDuplicatesDropped + o.sendDuplicatesDropped,
                pushesReplayed + o.pushesReplayed, pushesDroppedFromWindow + o.pushesDroppedFromWindow,
                sessionsResumed + o.sessionsResumed, resumesRefused + o.resumesRefused);
    }
}
