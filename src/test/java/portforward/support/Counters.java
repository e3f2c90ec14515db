package portforward.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/** Waits on counters that have no event to wait on (a listen+s endpoint's Strangers). */
public final class Counters {
    /** Long enough for the 5 s handshake limit to end a handshake by itself, with room to spare. */
    public static final int TIMEOUT_MS = 30_000;

    private Counters() {
    }

    /** Waits until {@code counter} reaches {@code atLeast}; fails, naming {@code what}, after {@link #TIMEOUT_MS}. */
    public static void awaitAtLeast(LongSupplier counter, long atLeast, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (counter.getAsLong() < atLeast) {
            if (System.nanoTime() > deadline) {
                fail(what + ": " + counter.getAsLong() + " where at least " + atLeast + " were expected");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
