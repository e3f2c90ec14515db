package portforward.hop.secure;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import portforward.forward.LogEvent;
import portforward.forward.SourceLog;

/**
 * What a {@code listen+s} endpoint knows of peers that have not yet proved the secret: the
 * handshakes pending, per source address (beyond the bound a new connection from that source is
 * closed at once) and in all (beyond the bound the oldest pending one makes room, so strangers
 * from many addresses cannot hold every slot while a real peer, whose handshake takes one round
 * trip, waits), and when each source was last logged, so that a flood costs one line per source
 * per 10 s. Shared by the listener's event loops; touched a few times per connection, never per
 * record.
 */
public final class Strangers {
    public static final Logger LOG = Logger.getLogger("portforward.hop");
    public static final int PENDING_PER_SOURCE = 64;
    static final int PENDING_GLOBAL = 1024;

    private final String listener;
    private final Logger log;
    private final ReplayCache replays = new ReplayCache();
    private final ConcurrentLinkedDeque<Pending> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> pendingBySource = new ConcurrentHashMap<>();
    private final SourceLog said = new SourceLog();
    private final LongAdder refused = new LongAdder();
    private final LongAdder accepted = new LongAdder();

    /** {@code listener} names the endpoint in log lines, as "listen+s:0.0.0.0:9999". */
    public Strangers(String listener) {
        this(listener, LOG);
    }

    /** {@code log}: where the refusals are told (the forward's own logger in a process running several). */
    public Strangers(String listener, Logger log) {
        this.listener = listener;
        this.log = log;
    }

    public ReplayCache replays() {
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

    /** A handshake's pending slot; given back once, by its end or by making room for a newer one. */
    public static final class Pending {
        private final InetAddress source;
        private final Runnable evict;
        private final AtomicBoolean given = new AtomicBoolean();

        private Pending(InetAddress source, Runnable evict) {
            this.source = source;
            this.evict = evict;
        }
    }

    /**
     * Takes a pending slot for {@code peer}, or empty when its source holds too many (the refusal
     * is counted). {@code evict} ends the handshake if its slot is later needed for a newer one.
     */
    public Optional<Pending> admit(SocketAddress peer, Runnable evict) {
        InetAddress source = SourceLog.source(peer);
        AtomicInteger mine = pendingBySource.computeIfAbsent(source, s -> new AtomicInteger());
        if (mine.incrementAndGet() > PENDING_PER_SOURCE) {
            decrement(source, mine);
            refuse(peer, "too many pending handshakes from this address");
            return Optional.empty();
        }
        if (pendingCount.incrementAndGet() > PENDING_GLOBAL) {
            Pending oldest = pending.pollFirst();
            while (oldest != null && !give(oldest)) {
                oldest = pending.pollFirst();
            }
            if (oldest != null) {
                oldest.evict.run();
            }
        }
        Pending slot = new Pending(source, evict);
        pending.addLast(slot);
        return Optional.of(slot);
    }

    /** Gives back a slot once its handshake ended either way. */
    public void release(Pending slot) {
        if (give(slot)) {
            pending.remove(slot);
        }
    }

    private boolean give(Pending slot) {
        if (!slot.given.compareAndSet(false, true)) {
            return false;
        }
        pendingCount.decrementAndGet();
        decrement(slot.source, pendingBySource.get(slot.source));
        return true;
    }

    private void decrement(InetAddress source, AtomicInteger count) {
        if (count != null && count.decrementAndGet() <= 0) {
            pendingBySource.remove(source, count);
        }
    }

    public void admitted() {
        accepted.increment();
    }

    /** Counts a refused peer and logs it, at most once per source per 10 s, with how many were not logged. */
    public void refuse(SocketAddress peer, String why) {
        refused.increment();
        said.refused(peer, (source, quiet) -> LogEvent.info(log, "handshake_failed", () -> Map.of("listener", listener,
                "client", source.getHostAddress(), "reason", why, "not_logged_since", quiet),
                () -> "secure hop " + listener + ": dropped a connection from " + source.getHostAddress() + " ("
                        + why + ")" + (quiet > 0 ? "; " + quiet + " more from it since the last line" : "")));
    }
}
