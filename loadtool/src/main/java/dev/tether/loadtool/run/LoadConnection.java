package dev.tether.loadtool.run;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One client as the run engine sees it; {@link ClientPool} adapts a {@code TetherClient}. */
interface LoadConnection {
    /** Connects (TCP + handshake); completes when the session is up. */
    CompletableFuture<?> connect();

    /** A request; completes with the response. */
    CompletableFuture<?> request(byte[] payload);

    /** A one-way send; completes when written. */
    CompletableFuture<?> send(byte[] payload);

    /** Whether the session is up now. */
    boolean connected();

    /** The last heartbeat round trip the client measured, or {@code null}. */
    Duration lastHeartbeatRtt();
}
