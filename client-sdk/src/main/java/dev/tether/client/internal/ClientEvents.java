package dev.tether.client.internal;

import dev.tether.client.PushListener;
import dev.tether.client.ServerPush;
import dev.tether.client.SessionLoss;
import dev.tether.client.SessionLossListener;
import dev.tether.client.StateChange;
import dev.tether.client.StateListener;
import dev.tether.protocol.Push;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;

/**
 * Hands what the application may observe (state changes, pushes) to its listeners: on the client's event
 * loop, or on the executor the application chose. A listener that throws is logged and does not hurt the
 * client. Called on the client's event loop.
 */
final class ClientEvents {
    private static final System.Logger log = Logs.CLIENT;
    /** For the many clients that listen to nothing: no per-client object. */
    private static final ClientEvents NONE = new ClientEvents(null, null, null, null);

    private final PushListener pushListener;
    private final StateListener stateListener;
    private final SessionLossListener sessionLossListener;
    private final Executor executor; // null: call listeners on the loop

    /** The events of a client with these listeners (any may be null); one shared instance when all are. */
    static ClientEvents of(PushListener pushListener, StateListener stateListener, SessionLossListener sessionLossListener,
                           Executor executor) {
        return pushListener == null && stateListener == null && sessionLossListener == null ? NONE
                : new ClientEvents(pushListener, stateListener, sessionLossListener, executor);
    }

    private ClientEvents(PushListener pushListener, StateListener stateListener, SessionLossListener sessionLossListener,
                         Executor executor) {
        this.pushListener = pushListener;
        this.stateListener = stateListener;
        this.sessionLossListener = sessionLossListener;
        this.executor = executor;
    }

    boolean wantsStateChanges() {
        return stateListener != null;
    }

    void stateChanged(StateChange change) {
        if (stateListener != null) {
            dispatch(() -> stateListener.onStateChange(change));
        }
    }

    void sessionLost(SessionLoss loss) {
        log.log(Level.DEBUG, loss::describe);
        if (sessionLossListener != null) {
            dispatch(() -> sessionLossListener.onSessionLoss(loss));
        }
    }

    void push(Push push) {
        if (pushListener != null) {
            // The SDK's own type: the wire's Push may grow without changing the application's API.
            ServerPush p = new ServerPush(push.payload(), push.topic(), push.timestampMicros(), push.sequence());
            dispatch(() -> pushListener.onPush(p));
        }
    }

    private void dispatch(Runnable call) {
        Runnable guarded = () -> {
            try {
                call.run();
            } catch (Throwable t) {
                log.log(Level.WARNING, "a listener threw", t);
            }
        };
        if (executor == null) {
            guarded.run();
        } else {
            try {
                executor.execute(guarded);
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "the listener executor rejected a call", e);
            }
        }
    }
}
