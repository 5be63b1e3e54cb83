package dev.tether.client;

/**
 * Receives the server's pushes, in the order they arrived. Runs on the client's event-loop thread
 * unless the builder was given a {@link TetherClient.Builder#listenerExecutor(java.util.concurrent.Executor)
 * listener executor}: on the event loop it must not block, or every client sharing that thread stalls.
 * An exception thrown by the listener is logged and otherwise ignored.
 */
@FunctionalInterface
public interface PushListener {
    /** Called once per push received. */
    void onPush(ServerPush push);
}
