package dev.tether.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the tasks given to it one at a time, in order, on a shared executor: one per session, so that a
 * session's handler calls keep their order while different sessions' calls run in parallel (what gRPC's
 * {@code SerializingExecutor} does for a call). At most one task of this executor is queued on, or running
 * in, the shared executor at any time.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    /** Queues {@code task}; throws {@code RejectedExecutionException} if the shared executor refuses to run it. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule(task);
    }

    private void schedule(Runnable justAdded) {
        if (scheduled.compareAndSet(false, true)) {
            try {
                delegate.execute(this::runAll);
            } catch (RuntimeException e) {
                scheduled.set(false);
                tasks.remove(justAdded);
                throw e;
            }
        }
    }

    private void runAll() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.WARNING, "a server handler task failed", t);
                }
            }
        } finally {
            scheduled.set(false);
            Runnable next = tasks.peek();
            if (next != null) {
                try {
                    schedule(next); // added after the loop ended, before the flag was cleared
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the handler executor refused a task; dropping it", e);
                }
            }
        }
    }
}
