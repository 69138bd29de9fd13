package net.v6broker.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * A value made once: on first use, or ahead of it on a thread of its own ({@link #startMaking}),
 * so that making it overlaps other start-up work. A failure to make it is thrown by {@link #get},
 * to every caller, as it was thrown.
 *
 * <p>Thread-safe.
 *
 * @param <T> the value's type
 */
final class Ahead<T> {
    private final String name;
    private final FutureTask<T> task;
    private volatile boolean begun;

    /** @param name what is made, for the thread's name and messages */
    Ahead(String name, Callable<T> maker) {
        this.name = name;
        this.task = new FutureTask<>(maker);
    }

    /** Starts making the value on a daemon thread, unless that has begun already. */
    void startMaking() {
        begun = true;
        Thread maker = new Thread(task, name);
        maker.setDaemon(true);
        maker.start(); // a task that runs or ran already does nothing
    }

    /** The value: made here, unless it is made or being made already (then this waits for it). */
    T get() {
        begun = true;
        task.run(); // a task that runs or ran already does nothing
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(name + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /**
     * Hands the value to {@code action} if it was asked for and made (waiting for it if it is being
     * made), to release it. A value that failed to be made needs no release: nothing happens then.
     */
    void ifMade(Consumer<T> action) {
        if (!begun) {
            return;
        }
        T value;
        try {
            value = task.get();
        } catch (ExecutionException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        action.accept(value);
    }
}
