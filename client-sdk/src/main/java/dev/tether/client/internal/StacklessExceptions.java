package dev.tether.client.internal;

import dev.tether.client.ClientClosedException;
import dev.tether.client.ConnectionLostException;

/**
 * Exceptions made without a stack trace, for events that fail many operations at once and whose stack would
 * only show the event loop: a close the application asked for, and a connection that ended without an error.
 * Their messages and causes are those the stack-traced ones would carry; one instance may be shared among the
 * futures it fails (neither has suppressed exceptions to leak between them). An unexpected loss with a cause
 * from Netty keeps its stack trace and is not made here.
 */
final class StacklessExceptions {
    private StacklessExceptions() {
    }

    /** The client was closed as the application asked. */
    static ClientClosedException closed(String message) {
        return new Closed(message);
    }

    /** The connection ended with no error to report (closed by us or by the peer). */
    static ConnectionLostException lost(String message) {
        return new Lost(message);
    }

    private static final class Closed extends ClientClosedException {
        private static final long serialVersionUID = 1L;

        Closed(String message) {
            super(message, null, false);
        }
    }

    private static final class Lost extends ConnectionLostException {
        private static final long serialVersionUID = 1L;

        Lost(String message) {
            super(message, null, false);
        }
    }
}
