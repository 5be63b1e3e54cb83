package dev.tether.client.internal;

import dev.tether.client.ClientConfig;

/**
 * The heartbeat a connection runs once the server's welcome has announced its interval: how often to
 * ping and when to give the peer up for dead. Immutable; one per client.
 */
final class HeartbeatSettings {
    private final long configuredIntervalMillis;
    private final long deadPeerTimeoutMillis;

    HeartbeatSettings(ClientConfig config) {
        this.configuredIntervalMillis = config.heartbeatInterval().toMillis();
        this.deadPeerTimeoutMillis = config.deadPeerTimeout().toMillis();
    }

    /**
     * The ping interval: the welcome's is binding (PROTOCOL.md §7), so ping at least that often; more often
     * if configured so. 0 = no pings.
     */
    long pingIntervalMillis(long announcedMillis) {
        long interval = configuredIntervalMillis;
        if (announcedMillis > 0 && (interval == 0 || announcedMillis < interval)) {
            interval = announcedMillis;
        }
        return interval;
    }

    /** The silence after which the peer is dead; 0 = never. */
    long deadPeerTimeoutMillis(long announcedMillis) {
        return deadPeerTimeoutMillis;
    }
}
