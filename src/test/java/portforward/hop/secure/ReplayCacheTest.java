package portforward.hop.secure;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The window and the memory of the replay check, on a fixed clock (no network, no transport). */
@Timeout(10)
class ReplayCacheTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long WINDOW = ReplayCache.WINDOW_MILLIS;

    private static byte[] key(int n) {
        byte[] key = new byte[32];
        key[0] = (byte) n;
        key[1] = (byte) (n >> 8);
        key[2] = (byte) (n >> 16);
        return key;
    }

    @Test
    void takesInsideTheWindowAndRefusesTheSameKeyAgain() {
        ReplayCache cache = new ReplayCache();
        assertNull(cache.check(key(1), NOW - WINDOW, NOW), "at the window's edge");
        assertNull(cache.check(key(2), NOW + WINDOW, NOW), "at the window's other edge");
        assertNotNull(cache.check(key(1), NOW - WINDOW, NOW + 1), "the same ephemeral key again");
    }

    @Test
    void refusesDatesOutsideTheWindowWhateverTheirSize() {
        ReplayCache cache = new ReplayCache();
        // Every distance that a subtraction or Math.abs could get wrong: the long's own edges,
        // and the one date whose distance from NOW is exactly Long.MIN_VALUE.
        long[] dates = {NOW - WINDOW - 1, NOW + WINDOW + 1, Long.MIN_VALUE, Long.MAX_VALUE, 0, -1,
            NOW + Long.MIN_VALUE, NOW + Long.MIN_VALUE + 1, Long.MIN_VALUE + NOW - 1};
        for (int i = 0; i < dates.length; i++) {
            assertNotNull(cache.check(key(i), dates[i], NOW), "dated " + dates[i] + " at " + NOW);
        }
    }

    @Test
    void whenFullForgetsTheOldestAndRefusesAnythingNotNewerThanIt() {
        ReplayCache cache = new ReplayCache();
        for (int i = 0; i < ReplayCache.CAPACITY; i++) {
            assertNull(cache.check(key(i), NOW - WINDOW + i, NOW));
        }
        assertNull(cache.check(key(ReplayCache.CAPACITY), NOW, NOW), "one more pushes the oldest out");
        // The oldest key is forgotten, so its date must no longer be taken, or it could come again.
        assertNotNull(cache.check(key(0), NOW - WINDOW, NOW), "the forgotten oldest, replayed");
    }
}
