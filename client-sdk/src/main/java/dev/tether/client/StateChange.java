package dev.tether.client;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One transition of a client's {@link ConnectionState}.
 *
 * @param previous the state before
 * @param current the state now
 * @param endpoint the endpoint concerned: the one being connected to, connected to, or just lost;
 *     {@code null} when none applies
 * @param attempt connection attempts are numbered from 1 since the last successful handshake (or since
 *     start): for {@link ConnectionState#CONNECTING} the number of this attempt, for
 *     {@link ConnectionState#RECONNECTING} the number of the attempt the delay precedes, for
 *     {@link ConnectionState#CONNECTED} the attempt that succeeded; 0 otherwise
 * @param delay for {@link ConnectionState#RECONNECTING} and {@link ConnectionState#DRAINING}: how long the
 *     client waits before its next attempt; otherwise {@code null}
 * @param cause why: the failure that caused a reconnect, the fatal error that closed the client, or, for
 *     {@link ConnectionState#CONNECTED}, a {@link SessionLostException} when the reconnect could not carry the
 *     whole session across (see {@link SessionLoss}); {@code null} for planned transitions and for a
 *     {@code CONNECTED} that lost nothing
 */
public record StateChange(ConnectionState previous, ConnectionState current, InetSocketAddress endpoint,
                          int attempt, Duration delay, Throwable cause) {
}
