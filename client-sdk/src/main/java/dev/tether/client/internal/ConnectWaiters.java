package dev.tether.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of {@code connect()} calls waiting for a handshake, for the first connect to fail, or for the
 * close. The client makes one when the first such call arrives and drops it once they are answered, so a
 * connected client holds none. Loop-confined.
 */
final class ConnectWaiters {
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>(1);

    void add(CompletableFuture<Void> result) {
        waiting.add(result);
    }

    /** Answers every waiter: connected when {@code failure} is null, else failed with it. */
    void completeAll(Throwable failure) {
        for (CompletableFuture<Void> f : waiting) {
            if (failure == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure);
            }
        }
    }
}
