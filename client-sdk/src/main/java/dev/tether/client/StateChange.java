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
 * @param attempt the number of the connection attempt in the current series (1-based; reset to 0 by a
 *     successful handshake)
 * @param delay for {@link ConnectionState#RECONNECTING} and {@link ConnectionState#DRAINING}: how long the
 *     client waits before its next attempt; otherwise {@code null}
 * @param cause why: the failure that caused a reconnect, the fatal error that closed the client; {@code null}
 *     for planned transitions
 */
public record StateChange(ConnectionState previous, ConnectionState current, InetSocketAddress endpoint,
                          int attempt, Duration delay, Throwable cause) {
}
