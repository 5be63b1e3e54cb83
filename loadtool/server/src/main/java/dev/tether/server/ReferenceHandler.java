package dev.tether.server;

import dev.tether.protocol.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The reference server's application: echoes each request, after a simulated {@link ServiceTime}
 * (scheduled on the session's event loop, so no thread waits), failing a fraction {@code errorRate} of
 * them with {@code APPLICATION_ERROR}.
 */
final class ReferenceHandler implements ServerHandler {
    private static final RequestException SIMULATED_ERROR = new RequestException(ErrorCode.APPLICATION_ERROR, "simulated application error");

    private final ServiceTime serviceTime;
    private final double errorRate;

    ReferenceHandler(ServiceTime serviceTime, double errorRate) {
        this.serviceTime = serviceTime;
        this.errorRate = errorRate;
    }

    @Override
    public CompletionStage<byte[]> onRequest(ServerSession session, byte[] payload) {
        if (serviceTime.isZero()) {
            return answer(payload);
        }
        CompletableFuture<byte[]> later = new CompletableFuture<>();
        long delay = serviceTime.sampleNanos(ThreadLocalRandom.current());
        ((Session) session).executor().schedule(() -> later.complete(payload), delay, TimeUnit.NANOSECONDS);
        return later.thenCompose(this::answer);
    }

    private CompletableFuture<byte[]> answer(byte[] payload) {
        if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
            return CompletableFuture.failedFuture(SIMULATED_ERROR);
        }
        return CompletableFuture.completedFuture(payload);
    }
}
