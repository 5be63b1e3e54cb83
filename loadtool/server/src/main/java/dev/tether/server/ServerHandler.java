package dev.tether.server;

import java.util.concurrent.CompletionStage;

/**
 * What an application built on {@link TetherServer} implements: it answers requests and hears about
 * one-way sends and sessions opening and closing.
 *
 * <pre>{@code
 * ServerHandler upper = (session, payload) ->
 *         CompletableFuture.completedFuture(new String(payload, UTF_8).toUpperCase().getBytes(UTF_8));
 * }</pre>
 *
 * <h2>Where the methods run</h2>
 * By default on the session's event-loop thread, the thread that also reads and writes that session and
 * many others: a method must return quickly and never block there (no JDBC, no {@code Thread.sleep}, no
 * {@code future.get()}). Work that blocks either goes behind the returned future, or the whole handler
 * moves to an application executor with {@link TetherServer.Builder#handlerExecutor}. Either way the
 * calls for one session arrive one at a time and in order ({@link #onOpen} first, {@link #onClose}
 * last); calls for different sessions may run at the same time.
 *
 * <h2>Answers</h2>
 * {@link #onRequest} returns a stage that completes with the response payload, at once
 * ({@code CompletableFuture.completedFuture(bytes)}) or later, from any thread. A stage that fails with a
 * {@link RequestException} answers with that exception's error code and text; any other failure (or an
 * exception thrown by the method) answers {@code APPLICATION_ERROR} with a generic text and is logged, so
 * that internal details do not reach the client. The connection stays open either way. Answers that
 * complete after the session closed are dropped.
 */
@FunctionalInterface
public interface ServerHandler {
    /**
     * A request arrived; answer it through the returned stage.
     *
     * @param session the session it came from
     * @param payload its payload (yours to keep)
     * @return the response payload ({@code null} counts as empty), or a failed stage
     */
    CompletionStage<byte[]> onRequest(ServerSession session, byte[] payload);

    /** A one-way send arrived (nothing is answered); by default it is ignored. */
    default void onSend(ServerSession session, byte[] payload) {
    }

    /** A session completed its handshake (after the {@link Authenticator} accepted it); by default nothing. */
    default void onOpen(ServerSession session) {
    }

    /**
     * A session that was {@linkplain #onOpen opened} has closed, for {@code reason}; it has already left
     * every {@link ServerGroup}. By default nothing.
     */
    default void onClose(ServerSession session, CloseReason reason) {
    }
}
