package portforward.hop.secure;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * Refuses a first message seen before. A first message is dated by the initiator (authenticated
 * with the secret), so only those within {@link #WINDOW_MILLIS} of our clock are taken, and this
 * remembers the ephemeral key of each one taken for as long as the window could let it in again.
 * The memory is bounded: when full, the oldest is forgotten and nothing dated at or before it is
 * taken any more.
 */
public final class ReplayCache {
    public static final long WINDOW_MILLIS = 120_000;
    static final int CAPACITY = 65_536;

    private record Seen(ByteBuffer ephemeral, long unixMillis) {
    }

    private final Set<ByteBuffer> keys = new HashSet<>();
    private final ArrayDeque<Seen> order = new ArrayDeque<>();
    private long floorMillis = Long.MIN_VALUE;

    /** Why {@code unixMillis}/{@code ephemeral} is refused at {@code nowMillis}, or null when it is taken. */
    public synchronized String check(byte[] ephemeral, long unixMillis, long nowMillis) {
        // Compared without subtracting the dates: their difference can overflow, and Math.abs of
        // Long.MIN_VALUE is negative, which let a date exactly that far away through.
        if (unixMillis < nowMillis - WINDOW_MILLIS || unixMillis > nowMillis + WINDOW_MILLIS) {
            long skewSeconds = Math.floorDiv(unixMillis, 1000) - Math.floorDiv(nowMillis, 1000);
            return "first message dated " + skewSeconds + " s from our clock: replayed, or the clocks differ by"
                    + " more than " + WINDOW_MILLIS / 1000 + " s";
        }
        while (!order.isEmpty() && order.peekFirst().unixMillis() < nowMillis - 2 * WINDOW_MILLIS) {
            keys.remove(order.pollFirst().ephemeral());
        }
        ByteBuffer key = ByteBuffer.wrap(ephemeral.clone());
        if (unixMillis <= floorMillis || keys.contains(key)) {
            return "replayed first message";
        }
        if (order.size() >= CAPACITY) {
            Seen oldest = order.pollFirst();
            keys.remove(oldest.ephemeral());
            floorMillis = Math.max(floorMillis, oldest.unixMillis());
        }
        keys.add(key);
        order.addLast(new Seen(key, unixMillis));
        return null;
    }
}
