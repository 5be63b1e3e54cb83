package dev.tether.client.internal;

import dev.tether.client.ClientConfig;
import java.time.Duration;

/**
 * The heartbeat a connection runs once the server's welcome has announced its interval (PROTOCOL.md §7).
 * The interval in force H is the welcome's (or, if the server asks for none, the configured one); the
 * client pings at least that often, more often if configured so; and, unless the application set a
 * dead-peer timeout, it gives the peer up after {@link ClientConfig#deadPeerTimeoutFor}(H). Immutable; one
 * per client.
 */
final class HeartbeatSettings {
    private final long configuredIntervalMillis;
    /** The application's dead-peer timeout, or -1 to derive it from the interval in force. */
    private final long explicitDeadPeerMillis;

    HeartbeatSettings(ClientConfig config) {
        this.configuredIntervalMillis = config.heartbeatInterval().toMillis();
        this.explicitDeadPeerMillis = config.deadPeerTimeout().map(Duration::toMillis).orElse(-1L);
    }

    /** The interval in force: the welcome's, or the configured one when the server announces none (0). */
    long intervalInForceMillis(long announcedMillis) {
        return announcedMillis > 0 ? announcedMillis : configuredIntervalMillis;
    }

    /** How often to ping: the interval in force, or the configured interval if shorter. 0 = no pings. */
    long pingIntervalMillis(long announcedMillis) {
        long inForce = intervalInForceMillis(announcedMillis);
        return configuredIntervalMillis > 0 && configuredIntervalMillis < inForce ? configuredIntervalMillis : inForce;
    }

    /** The silence after which the peer is dead; 0 = never. */
    long deadPeerTimeoutMillis(long announcedMillis) {
        if (explicitDeadPeerMillis >= 0) {
            return explicitDeadPeerMillis;
        }
        return ClientConfig.deadPeerTimeoutFor(Duration.ofMillis(intervalInForceMillis(announcedMillis))).toMillis();
    }
}
