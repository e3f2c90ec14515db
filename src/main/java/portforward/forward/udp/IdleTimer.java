package portforward.forward.udp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import portforward.forward.LoopTasks;

/**
 * Ends a session after a stretch with no traffic, however long it has lived. Traffic only stamps
 * the time; the one scheduled check re-arms itself for what is left of the stretch, so a busy
 * session costs no timer work per datagram. Confined to the session's event loop.
 */
final class IdleTimer {
    private final EventLoop loop;
    private final Runnable expired;
    private long timeoutNanos;
    private long lastNanos;
    private ScheduledFuture<?> check;

    IdleTimer(EventLoop loop, Duration timeout, Runnable expired) {
        this.loop = loop;
        this.expired = expired;
        restart(timeout);
    }

    void touch() {
        lastNanos = System.nanoTime();
    }

    /** Counts a new stretch of {@code timeout} from now (a rendezvous session pairing, say). */
    void restart(Duration timeout) {
        cancel();
        timeoutNanos = timeout.toNanos();
        touch();
        arm(timeoutNanos);
    }

    void cancel() {
        if (check != null) {
            check.cancel(false);
        }
    }

    private void arm(long delayNanos) {
        // A loop that is stopping ends every session anyway: nothing to time.
        check = LoopTasks.schedule(loop, this::check, delayNanos, TimeUnit.NANOSECONDS).orElse(null);
    }

    private void check() {
        long idle = System.nanoTime() - lastNanos;
        if (idle >= timeoutNanos) {
            expired.run();
        } else {
            arm(timeoutNanos - idle);
        }
    }

    static String describe(Duration timeout) {
        return timeout.toMillis() / 1000.0 + " s";
    }
}
