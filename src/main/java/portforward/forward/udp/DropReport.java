package portforward.forward.udp;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Logger;
import portforward.forward.LogEvent;
import portforward.forward.LoopTasks;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.Drop;
import portforward.hop.secure.udp.DatagramDrop;

/**
 * Counts every dropped datagram by reason and says so in a warning, at most one per
 * {@link #INTERVAL_NANOS}, so that a flood of drops costs a counter each and one line, and no drop
 * goes unreported. Sessions on any event loop report here.
 */
final class DropReport {
    static final Logger LOG = Logger.getLogger("portforward.udp");
    private final Logger log;
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Why a datagram was not forwarded; a session's closing line counts each by its label. */
    enum Reason {
        /** A lone 0x00 taken as a knock (see {@link Knock}): expected, so never warned about. */
        KNOCK(Drop.KNOCK, "knock", "knock"),
        TABLE_FULL(Drop.TABLE_FULL, "refused, session table full", "refused"),
        HOLD_FULL(Drop.HOLD_FULL, "held for an unpaired or connecting session beyond " + HeldDatagrams.MAX_DATAGRAMS
                + " datagrams or " + HeldDatagrams.MAX_BYTES / 1024 + " KiB", "over the hold limit"),
        BACKLOGGED(Drop.BACKLOGGED, "socket send buffer full", "send buffer full"),
        UNDELIVERED(Drop.UNDELIVERED, "still held when the session ended", "undelivered"),
        UNAUTHENTICATED(Drop.UNAUTHENTICATED, "not authenticated by the secure hop (a stranger's, tampered, replayed or too old)",
                "not authenticated"),
        TOO_LARGE(Drop.TOO_LARGE, "too large for the secure hop (over " + DatagramDrop.MAX_PAYLOAD + " B)", "too large"),
        NO_KEYS(Drop.NO_KEYS, "for a secure hop peer without keys (its handshake not done, or it went silent)", "no keys");

        private final Drop counted;
        private final String words;
        private final String label;

        Reason(Drop counted, String words, String label) {
            this.counted = counted;
            this.words = words;
            this.label = label;
        }

        String label(long n) {
            return this == KNOCK && n != 1 ? "knocks" : label;
        }
    }

    private final EventExecutor executor;
    private final int maxSessions;
    private final RelayStats stats;
    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong lastReportNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    DropReport(EventExecutor executor, int maxSessions, RelayStats stats, Logger log) {
        this.log = log;
        this.executor = executor;
        this.maxSessions = maxSessions;
        this.stats = stats;
    }

    void count(Reason reason, long datagrams) {
        if (datagrams <= 0 || reason == Reason.KNOCK) {
            return;
        }
        counts.addAndGet(reason.ordinal(), datagrams);
        stats.dropped(reason.counted, datagrams);
        if (scheduled.compareAndSet(false, true)) {
            long wait = Math.max(0, lastReportNanos.get() + INTERVAL_NANOS - System.nanoTime());
            if (LoopTasks.schedule(executor, this::report, wait, TimeUnit.NANOSECONDS).isEmpty()) {
                report(); // stopping: say it now, there will be no later
            }
        }
    }

    /** What the secure hop dropped. */
    void count(DatagramDrop drop) {
        count(switch (drop) {
            case UNAUTHENTICATED -> Reason.UNAUTHENTICATED;
            case TOO_LARGE -> Reason.TOO_LARGE;
            case NO_KEYS -> Reason.NO_KEYS;
        }, 1);
    }

    void count(Reason reason) {
        count(reason, 1);
    }

    /** Reports what was counted since the last warning, if anything; also called when stopping. */
    void report() {
        lastReportNanos.set(System.nanoTime());
        scheduled.set(false);
        long total = 0;
        StringJoiner parts = new StringJoiner(", ");
        for (Reason reason : Reason.values()) {
            long n = counts.getAndSet(reason.ordinal(), 0);
            if (n > 0) {
                total += n;
                parts.add(n + " " + reason.words
                        + (reason == Reason.TABLE_FULL ? " (--max-sessions " + maxSessions + ")" : ""));
            }
        }
        if (total > 0) {
            long dropped = total;
            LogEvent.log(log, java.util.logging.Level.WARNING, "drop", () -> Map.of("datagrams", dropped, "reason", parts.toString()),
                    () -> "dropped " + Traffic.datagrams(dropped) + ": " + parts);
        }
    }
}
