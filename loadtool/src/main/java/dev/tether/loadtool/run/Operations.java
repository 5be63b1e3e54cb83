package dev.tether.loadtool.run;

import java.util.concurrent.CompletableFuture;

/**
 * What a {@link ClientSlot}'s operations are: the same payload every time ({@link #fixed}), or, with a
 * {@link RequestMix}, an entry chosen per operation ({@link MixOperations}).
 */
interface Operations {
    /** Starts operation {@code seq} of slot {@code index}: a request or a one-way send on {@code connection}. */
    CompletableFuture<?> start(LoadConnection connection, int index, long seq);

    /**
     * Operation {@code seq} of slot {@code index} ended, successfully when {@code error} is null; times are
     * nanoseconds on the run's clock. Called after the run's own metrics recorded it.
     */
    default void ended(int index, long seq, long intendedNanos, long sentNanos, long doneNanos, Throwable error) {
    }

    /** The same payload every time; sends in mode {@link Mode#SEND}, requests otherwise. */
    static Operations fixed(Mode mode, byte[] payload) {
        return mode == Mode.SEND
                ? (connection, index, seq) -> connection.send(payload)
                : (connection, index, seq) -> connection.request(payload);
    }
}
