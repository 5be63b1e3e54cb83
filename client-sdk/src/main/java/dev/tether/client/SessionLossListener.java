package dev.tether.client;

/**
 * Told when a reconnect could not carry the whole session across (see {@link SessionLoss}): once per
 * occurrence, right before the {@link StateChange} to {@link ConnectionState#CONNECTED} that carries the same
 * loss as its cause. Runs where the other listeners run: on the client's event-loop thread (must not block)
 * unless the builder was given a {@link TetherClient.Builder#listenerExecutor(java.util.concurrent.Executor)
 * listener executor}. An exception thrown by the listener is logged and otherwise ignored.
 */
@FunctionalInterface
public interface SessionLossListener {
    /** Called once per loss. */
    void onSessionLoss(SessionLoss loss);
}
