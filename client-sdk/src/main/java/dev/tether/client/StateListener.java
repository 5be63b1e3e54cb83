package dev.tether.client;

/**
 * Receives every change of {@link ConnectionState}, in order. Runs on the client's event-loop thread
 * unless the builder was given a {@link TetherClient.Builder#listenerExecutor(java.util.concurrent.Executor)
 * listener executor}: on the event loop it must not block. An exception thrown by the listener is logged
 * and otherwise ignored.
 */
@FunctionalInterface
public interface StateListener {
    /** Called once per state transition. */
    void onStateChange(StateChange change);
}
