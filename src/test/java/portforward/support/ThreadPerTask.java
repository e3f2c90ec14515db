package portforward.support;

import java.util.concurrent.Executor;

/**
 * Runs each task on a daemon thread of its own: for tests whose async tasks block on each other.
 * Without an executor, CompletableFuture on Java 25 queues them on the common pool even when its
 * parallelism is 1 (a 2-CPU machine), so the second waits for the first to end; Java 17 started
 * a thread per task there.
 */
public final class ThreadPerTask implements Executor {
    public static final Executor EXECUTOR = new ThreadPerTask();

    private ThreadPerTask() {
    }

    @Override
    public void execute(Runnable task) {
        Thread thread = new Thread(task, "test-task");
        thread.setDaemon(true);
        thread.start();
    }
}
