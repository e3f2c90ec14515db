package portforward.forward;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Hands work to an event loop unless the loop is shutting down, when the work has no point: the
 * pool, timer or report it serves stops with the loop. Without this, a channel that closes while
 * its agent stops (relay and agent stopped together) asks a terminated loop to run something, and
 * Netty logs the RejectedExecutionException as a warning.
 */
public final class LoopTasks {
    private LoopTasks() {
    }

    /** Runs {@code task} on {@code loop}; false if the loop is stopping and the task was dropped. */
    public static boolean execute(EventExecutor loop, Runnable task) {
        if (loop.isShuttingDown()) {
            return false;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException stoppedMeanwhile) {
            return false;
        }
    }

    /** Schedules {@code task}, or returns empty if the loop is stopping. */
    public static Optional<ScheduledFuture<?>> schedule(EventExecutor loop, Runnable task, long delay, TimeUnit unit) {
        if (loop.isShuttingDown()) {
            return Optional.empty();
        }
        try {
            return Optional.of(loop.schedule(task, delay, unit));
        } catch (RejectedExecutionException stoppedMeanwhile) {
            return Optional.empty();
        }
    }
}
