package portforward.hop.secure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * What a {@code listen+s} endpoint knows of peers that have not yet proved the secret: how many
 * handshakes are pending, globally and per source address (beyond either bound a new connection
 * is closed at once), and when each source was last logged, so that a flood costs one line per
 * source per 10 s. Shared by the listener's event loops; touched once or twice per connection,
 * never per record.
 */
public final class Strangers {
    private static final Logger LOG = Logger.getLogger("portforward.hop");
    static final int PENDING_PER_SOURCE = 8;
    static final int PENDING_GLOBAL = 256;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int REMEMBERED_SOURCES = 4096;

    private final String listener;
    private final ReplayCache replays = new ReplayCache();
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> pendingBySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, long[]> lastLogged = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder accepted = new LongAdder();

    /** {@code listener} names the endpoint in log lines, as "listen+s:0.0.0.0:9999". */
    public Strangers(String listener) {
        this.listener = listener;
    }

    ReplayCache replays() {
        return replays;
    }

    /** Handshakes refused: bad, replayed, too slow, or over the pending bounds. */
    public long refused() {
        return refused.sum();
    }

    /** Handshakes that completed with a peer that proved the secret. */
    public long accepted() {
        return accepted.sum();
    }

    /** Takes a pending slot for {@code peer}; false when a bound is reached (and the refusal is counted). */
    boolean admit(SocketAddress peer) {
        InetAddress source = source(peer);
        if (pending.incrementAndGet() > PENDING_GLOBAL) {
            pending.decrementAndGet();
            refuse(peer, "too many pending handshakes");
            return false;
        }
        AtomicInteger mine = pendingBySource.computeIfAbsent(source, s -> new AtomicInteger());
        if (mine.incrementAndGet() > PENDING_PER_SOURCE) {
            release(peer);
            refuse(peer, "too many pending handshakes from this address");
            return false;
        }
        return true;
    }

    /** Gives back {@code peer}'s pending slot, once its handshake ended either way. */
    void release(SocketAddress peer) {
        pending.decrementAndGet();
        InetAddress source = source(peer);
        AtomicInteger mine = pendingBySource.get(source);
        if (mine != null && mine.decrementAndGet() <= 0) {
            pendingBySource.remove(source, mine);
        }
    }

    void admitted() {
        accepted.increment();
    }

    /** Counts a refused peer and logs it, at most once per source per 10 s, with how many were not logged. */
    void refuse(SocketAddress peer, String why) {
        refused.increment();
        InetAddress source = source(peer);
        long now = System.nanoTime();
        if (lastLogged.size() > REMEMBERED_SOURCES) {
            lastLogged.clear();
        }
        long[] seen = lastLogged.computeIfAbsent(source, s -> new long[] {now - LOG_EVERY_NANOS, 0});
        long quiet;
        synchronized (seen) {
            if (now - seen[0] < LOG_EVERY_NANOS) {
                seen[1]++;
                return;
            }
            seen[0] = now;
            quiet = seen[1];
            seen[1] = 0;
        }
        LOG.info(() -> "secure hop " + listener + ": dropped a connection from " + source.getHostAddress() + " ("
                + why + ")" + (quiet > 0 ? "; " + quiet + " more from it since the last line" : ""));
    }

    private static InetAddress source(SocketAddress peer) {
        return peer instanceof InetSocketAddress inet && inet.getAddress() != null ? inet.getAddress()
                : InetAddress.getLoopbackAddress();
    }
}
