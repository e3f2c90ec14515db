package portforward.hop.secure.udp;

/**
 * Which counters of one key have been taken, RFC 6479 style: a ring of 64-bit blocks behind the
 * highest counter seen. A counter is taken once; one more than {@link #SIZE} behind the highest is
 * refused, however new it would be. Checking comes before decrypting (cheap refusals), marking
 * after (only an authenticated datagram moves the window).
 */
final class ReplayWindow {
    private static final int BLOCKS = 32;
    /** One block short of the ring, so a block being reused never holds a counter still in the window. */
    static final int SIZE = (BLOCKS - 1) * Long.SIZE;

    private final long[] ring = new long[BLOCKS];
    private long highest = -1;

    /** Whether {@code counter} could still be taken. Counters past 2^63 are never used. */
    boolean mayTake(long counter) {
        if (counter < 0) {
            return false;
        }
        if (counter > highest) {
            return true;
        }
        if (highest - counter >= SIZE) {
            return false;
        }
        return (ring[block(counter)] & bit(counter)) == 0;
    }

    /** Marks an authenticated {@code counter} as taken (it passed {@link #mayTake}). */
    void take(long counter) {
        if (counter > highest) {
            long from = highest < 0 ? -1 : highest >>> 6;
            long clear = Math.min((counter >>> 6) - from, BLOCKS);
            for (long i = 1; i <= clear; i++) {
                ring[(int) ((from + i) % BLOCKS)] = 0;
            }
            highest = counter;
        }
        ring[block(counter)] |= bit(counter);
    }

    long highest() {
        return highest;
    }

    private static int block(long counter) {
        return (int) ((counter >>> 6) % BLOCKS);
    }

    private static long bit(long counter) {
        return 1L << (counter & 63);
    }
}
