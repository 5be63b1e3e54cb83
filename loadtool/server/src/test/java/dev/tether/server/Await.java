package dev.tether.server;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for a condition another thread makes true; fails with a description when it does not. */
final class Await {
    private Await() {
    }

    static void until(Duration timeout, BooleanSupplier condition, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + timeout + ": " + description.get());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** Until the server's registry is empty and it counts no connection. */
    static void registryEmpty(ReferenceServer server) {
        until(Duration.ofSeconds(5), () -> server.sessions().isEmpty() && server.stats().connections() == 0,
                () -> "registry still holds " + server.sessions() + ", stats " + server.stats());
    }
}
