package portforward.forward;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: each step doubles up to a cap, then stays there. */
public final class Backoff {
    private final long initialMillis;
    private final long capMillis;
    private int step;

    public Backoff(Duration initial, Duration cap) {
        this.initialMillis = initial.toMillis();
        this.capMillis = cap.toMillis();
    }

    /** The next delay: between half and all of min(cap, initial * 2^step). */
    public Duration next() {
        long ceiling = Math.min(capMillis, initialMillis << Math.min(step, 20));
        if (ceiling < capMillis) {
            step++;
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    public void reset() {
        step = 0;
    }
}
