/**
 * Tether servers: build your own with {@link dev.tether.server.TetherServer}, or run the reference server
 * ({@link dev.tether.server.ReferenceServer}) that {@code loadtool server} runs. Both share one engine: the
 * protocol, the handshake, heartbeats and idle eviction, the limits, the memory budget and the graceful
 * drain. Netty and the protocol only; no Netty type appears in the API.
 *
 * <h2>A server of your own</h2>
 * <pre>{@code
 * TetherServer server = TetherServer.builder()
 *         .port(7000)
 *         .authenticator(Authenticator.sharedToken(token))
 *         .handler((session, payload) -> CompletableFuture.completedFuture(payload))
 *         .start();
 * }</pre>
 *
 * <h2>The types, and what each is for</h2>
 * <dl>
 *   <dt>{@link dev.tether.server.TetherServer} and its {@link dev.tether.server.TetherServer.Builder Builder}</dt>
 *   <dd>The front door: settings, start, session lookup, groups, broadcast, metrics, drain and stop.</dd>
 *   <dt>{@link dev.tether.server.ServerHandler}</dt>
 *   <dd>What the application implements: answer requests (at once or through a future), hear one-way sends,
 *       sessions opening and closing. Runs on the event loop unless an executor is given.</dd>
 *   <dt>{@link dev.tether.server.RequestException}</dt>
 *   <dd>Fails one request with an error code of the application's choice; the connection stays open.</dd>
 *   <dt>{@link dev.tether.server.Authenticator} and {@link dev.tether.server.AuthResult}</dt>
 *   <dd>Who may connect: accept a hello with a principal, or refuse it with {@code AUTH_FAILED}; at once or later.
 *       The shared token of {@code loadtool server --auth-token} is {@link dev.tether.server.Authenticator#sharedToken}.</dd>
 *   <dt>{@link dev.tether.server.ServerSession}</dt>
 *   <dd>One client's session: id, principal, attributes, push, close with a go-away.</dd>
 *   <dt>{@link dev.tether.server.ServerGroup}</dt>
 *   <dd>A room or topic: sessions join and leave; a push to it is encoded once, and a member that does not read
 *       is dropped alone.</dd>
 *   <dt>{@link dev.tether.server.CloseReason}</dt>
 *   <dd>Why a session ended, as {@code onClose} hears it.</dd>
 *   <dt>{@link dev.tether.server.ServerMetrics} and {@link dev.tether.server.ServerStats}</dt>
 *   <dd>Counters and memory use, to feed the application's metrics system.</dd>
 *   <dt>{@link dev.tether.server.ReferenceServer}, {@link dev.tether.server.ServiceTime}, {@link dev.tether.server.SessionInfo}</dt>
 *   <dd>The reference server (an echo application with simulated work, errors and pushes, for load runs and
 *       client development), its simulated service time, and its registry snapshot.</dd>
 *   <dt>{@link dev.tether.server.Durations}</dt>
 *   <dd>Parses and formats durations the way the command line writes them ({@code 1m30s}).</dd>
 * </dl>
 */
package dev.tether.server;
