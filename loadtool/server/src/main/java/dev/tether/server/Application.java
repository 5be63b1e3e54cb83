package dev.tether.server;

import dev.tether.protocol.Hello;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * What the engine ({@link ReferenceServer}) serves: the application's {@link ServerHandler} and
 * {@link Authenticator}, and where they run. The one place that calls into application code: on the
 * session's event loop when {@link #executor} is null, otherwise on the executor (one session's calls in
 * order, through its {@link SerialExecutor}), and every answer comes back to the event loop.
 */
final class Application {
    private static final System.Logger LOG = System.getLogger(Application.class.getName());

    final ServerHandler handler;
    final Authenticator authenticator;
    /** Where handler calls run; null: on the session's event loop. */
    final Executor executor;
    /** The server the sessions belong to ({@link ServerSession#server()}); null for the reference server's own application. */
    final TetherServer server;

    Application(ServerHandler handler, Authenticator authenticator, Executor executor, TetherServer server) {
        this.handler = handler;
        this.authenticator = authenticator;
        this.executor = executor;
        this.server = server;
    }

    /** The reference server's application: echo with simulated service time and errors, the shared token if set. */
    static Application reference(ServerSettings settings) {
        return new Application(new ReferenceHandler(settings.serviceTime(), settings.errorRate()),
                settings.authToken() == null ? Authenticator.acceptAll() : Authenticator.sharedToken(settings.authToken()),
                null, null);
    }

    /**
     * Asks the authenticator about {@code hello}; the decision reaches {@link Session#authenticated} on the
     * session's event loop, at once if the authenticator decided at once on the event loop.
     */
    void authenticate(Session s, Hello hello, InetSocketAddress remote) {
        if (executor == null) {
            ask(s, hello, remote);
            return;
        }
        try {
            executor.execute(() -> ask(s, hello, remote));
        } catch (RejectedExecutionException e) {
            s.authenticated(hello, null, e);
        }
    }

    private void ask(Session s, Hello hello, InetSocketAddress remote) {
        CompletionStage<AuthResult> stage;
        try {
            stage = authenticator.authenticate(hello.clientId(), hello.authToken(), remote);
            if (stage == null) {
                throw new NullPointerException("the authenticator returned null");
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        EventExecutor loop = s.executor();
        // The common case, a decision made at once on the event loop (every built-in authenticator), goes on to the
        // WELCOME in place: no callback, no lambdas, a shorter connect path.
        if (stage instanceof CompletableFuture<AuthResult> f && f.isDone() && loop.inEventLoop()) {
            AuthResult result = null;
            Throwable failure = null;
            try {
                result = f.join();
            } catch (Throwable t) {
                failure = unwrap(t);
            }
            s.authenticated(hello, result, failure);
            return;
        }
        whenDone(loop, stage, (result, failure) -> s.authenticated(hello, result, unwrap(failure)));
    }

    void opened(Session s) {
        run(s, () -> handler.onOpen(s));
    }

    void send(Session s, byte[] payload) {
        run(s, () -> handler.onSend(s, payload));
    }

    void closed(Session s, CloseReason reason) {
        run(s, () -> handler.onClose(s, reason));
    }

    /** Hands a request to the handler; its answer reaches {@link Session#answered} on the event loop. */
    void request(Session s, long requestId, byte[] payload, int size) {
        if (s.serial == null) {
            invoke(s, requestId, payload, size);
            return;
        }
        try {
            s.serial.execute(() -> invoke(s, requestId, payload, size));
        } catch (RejectedExecutionException e) {
            s.answered(requestId, size, null, RequestException.applicationError("the server cannot take more work now; retry later"));
        }
    }

    private void invoke(Session s, long requestId, byte[] payload, int size) {
        CompletionStage<byte[]> stage;
        try {
            stage = handler.onRequest(s, payload);
            if (stage == null) {
                throw new NullPointerException("onRequest returned null");
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        EventExecutor loop = s.executor();
        // The common case, an answer given at once on the event loop, takes no callback and allocates nothing more.
        if (stage instanceof CompletableFuture<byte[]> f && f.isDone() && loop.inEventLoop()) {
            byte[] reply = null;
            Throwable failure = null;
            try {
                reply = f.join();
            } catch (Throwable t) {
                failure = unwrap(t);
            }
            s.answered(requestId, size, reply, failure);
            return;
        }
        whenDone(loop, stage, (reply, failure) -> s.answered(requestId, size, reply, unwrap(failure)));
    }

    /** Runs {@code action} with the outcome of {@code stage} on {@code loop}: in place if already there. */
    private static <T> void whenDone(EventExecutor loop, CompletionStage<T> stage, BiConsumer<T, Throwable> action) {
        stage.whenComplete((value, failure) -> {
            if (loop.inEventLoop()) {
                action.accept(value, failure);
            } else {
                try {
                    loop.execute(() -> action.accept(value, failure));
                } catch (RejectedExecutionException e) {
                    // the server has shut down: nobody is waiting for the answer
                }
            }
        });
    }

    /** Calls the handler through {@code call}: in place when handlers run on the event loop, else on the session's executor. */
    private void run(Session s, Runnable call) {
        if (s.serial == null) {
            runGuarded(s, call); // no second lambda on the event loop's path (every connect, close and send)
            return;
        }
        try {
            s.serial.execute(() -> runGuarded(s, call));
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "the handler executor refused a call for " + s + "; dropped");
        }
    }

    /** Runs {@code call}; a handler's exception is logged, never passed on to the connection. */
    private static void runGuarded(Session s, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "server handler failed for " + s, t);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
