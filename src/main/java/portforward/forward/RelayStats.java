package portforward.forward;

import io.netty.channel.ChannelFuture;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * What one relay has done, counted as it happens: the numbers a metrics endpoint exports and the
 * events a test waits for, instead of for the wording of a log line. Counting takes no lock; a
 * change wakes {@link #awaitUntil} callers only while one is waiting.
 */
public final class RelayStats {
    /** Why a TCP link closed. */
    public enum LinkEnd { EOF, CLOSED_BY_PEER, RESET, ERROR, SHUTDOWN }

    /** Why a UDP session (or a rendezvous pair) ended. */
    public enum SessionEnd { IDLE, TARGET_FAILED, SOCKET_CLOSED, SHUTDOWN }

    /** Why a datagram was dropped. */
    public enum Drop { KNOCK, TABLE_FULL, HOLD_FULL, BACKLOGGED, UNDELIVERED, NOT_ALLOWED, UNAUTHENTICATED, TOO_LARGE, NO_KEYS }

    /**
     * Why an accepted TCP connection was closed before it became a link: its source is not in
     * --allow-from, its listener had --max-links open, or (listen+pp) its PROXY header was
     * missing, malformed or cut short.
     */
    public enum Refusal { NOT_ALLOWED, MAX_LINKS, BAD_PROXY_HEADER }

    /** Why a connection or session stopped waiting for a partner without being paired. */
    public enum Unpaired { CLIENT_LEFT, NO_PARTNER, SHUTDOWN }

    private final LongAdder linksOpened = new LongAdder();
    private final Counts<LinkEnd> linksClosed = new Counts<>(LinkEnd.class);
    private final LongAdder bytesToTarget = new LongAdder();
    private final LongAdder bytesToClient = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder sessionsOpened = new LongAdder();
    private final Counts<SessionEnd> sessionsClosed = new Counts<>(SessionEnd.class);
    private final Counts<Drop> dropped = new Counts<>(Drop.class);
    private final LongAdder waitingArrived = new LongAdder();
    private final LongAdder waitingPaired = new LongAdder();
    private final Counts<Unpaired> unpaired = new Counts<>(Unpaired.class);
    private final LongAdder agentPooled = new LongAdder();
    private final Counts<Refusal> refused = new Counts<>(Refusal.class);
    private final LongAdder limitedOpen = new LongAdder();
    private final LongAdder handshakesOk = new LongAdder();
    private final LongAdder handshakesFailed = new LongAdder();
    private final LongAdder keysRenewed = new LongAdder();
    private final LongAdder handshakesWaiting = new LongAdder();
    private final AtomicInteger waiters = new AtomicInteger();

    public void linkOpened() {
        linksOpened.increment();
        changed();
    }

    /** A link closed; its byte counts are final (a spliced direction counted by the kernel). */
    public void linkClosed(LinkEnd why, long toTarget, long toClient) {
        bytesToTarget.add(toTarget);
        bytesToClient.add(toClient);
        linksClosed.add(why, 1);
        changed();
    }

    /** Counts {@code connecting} as a connect failure if it fails: a target or a relay could not be reached. */
    public ChannelFuture countFailure(ChannelFuture connecting) {
        return connecting.addListener(f -> {
            if (!f.isSuccess()) {
                connectFailures.increment();
                changed();
            }
        });
    }

    public void sessionOpened() {
        sessionsOpened.increment();
        changed();
    }

    public void sessionClosed(SessionEnd why, long toTarget, long toClient) {
        bytesToTarget.add(toTarget);
        bytesToClient.add(toClient);
        sessionsClosed.add(why, 1);
        changed();
    }

    /** An accepted connection was closed before it became a link. */
    public void refuse(Refusal why) {
        refused.add(why, 1);
        changed();
    }

    public long refused(Refusal why) {
        return refused.get(why);
    }

    /** A connection took ({@code +1}) or gave back ({@code -1}) a place under --max-links. */
    public void limitedOpen(int change) {
        limitedOpen.add(change);
        changed();
    }

    /** Connections holding a place under --max-links now, on all the forward's listeners. */
    public long limitedOpen() {
        return limitedOpen.sum();
    }

    public void dropped(Drop why, long datagrams) {
        dropped.add(why, datagrams);
        changed();
    }

    /** A connection (or UDP client) began waiting for a partner on a rendezvous relay. */
    public void waiting() {
        waitingArrived.increment();
        changed();
    }

    public void waitingPaired() {
        waitingPaired.increment();
        changed();
    }

    public void waitingDropped(Unpaired why) {
        unpaired.add(why, 1);
        changed();
    }

    /** The agent's pool of idle connections grew ({@code +1}) or shrank ({@code -1}). */
    public void pooled(int change) {
        agentPooled.add(change);
        changed();
    }

    public long linksOpened() {
        return linksOpened.sum();
    }

    public long linksClosed(LinkEnd why) {
        return linksClosed.get(why);
    }

    public long linksClosed() {
        return linksClosed.total();
    }

    public long activeLinks() {
        return linksOpened() - linksClosed();
    }

    public long bytesToTarget() {
        return bytesToTarget.sum();
    }

    public long bytesToClient() {
        return bytesToClient.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    /**
     * The SIGUSR1 line: "2 links open, 15 closed; closed ones carried 1.2 MiB forward, 30.0 MiB
     * back", then what was turned away, once there is any: "; 3 connections refused" (closed at
     * accept: --allow-from, --max-links, a bad PROXY header) and "; 1 dial failed" (the target or
     * the relay could not be reached). Bytes are added as links and sessions close, so they are
     * those of closed ones.
     */
    public String summary(boolean udp) {
        long closed = udp ? sessionsClosed() : linksClosed();
        long open = udp ? activeSessions() : activeLinks();
        StringBuilder line = new StringBuilder(Show.count(open, udp ? "session" : "link")).append(" open, ")
                .append(closed).append(" closed; closed ones carried ").append(Show.bytes(bytesToTarget()))
                .append(" forward, ").append(Show.bytes(bytesToClient())).append(" back");
        if (udp) {
            line.append("; ").append(Show.count(dropped(), "datagram")).append(" dropped");
        }
        long refusals = refused.total();
        if (refusals > 0) {
            line.append("; ").append(Show.count(refusals, "connection")).append(" refused");
        }
        long failedDials = connectFailures();
        if (failedDials > 0) {
            line.append("; ").append(Show.count(failedDials, "dial")).append(" failed");
        }
        return line.toString();
    }

    /** A secure hop this relay dialled finished its handshake, or failed to. */
    public void handshake(boolean ok) {
        (ok ? handshakesOk : handshakesFailed).increment();
        changed();
    }

    /** UDP over the secure hop: a session this relay dialled renewed its keys. */
    public void keysRenewed(long n) {
        keysRenewed.add(n);
        changed();
    }

    public long keysRenewed() {
        return keysRenewed.sum();
    }

    /** A handshake toward a +s target began ({@code +1}) or stopped ({@code -1}) waiting for its turn. */
    public void handshakeWaiting(int change) {
        handshakesWaiting.add(change);
        changed();
    }

    /** Handshakes toward a +s target waiting for a turn now ({@link HandshakeTurns}). */
    public long handshakesWaiting() {
        return handshakesWaiting.sum();
    }

    public long handshakesOk() {
        return handshakesOk.sum();
    }

    public long handshakesFailed() {
        return handshakesFailed.sum();
    }

    public long sessionsOpened() {
        return sessionsOpened.sum();
    }

    public long sessionsClosed(SessionEnd why) {
        return sessionsClosed.get(why);
    }

    public long sessionsClosed() {
        return sessionsClosed.total();
    }

    public long activeSessions() {
        return sessionsOpened() - sessionsClosed();
    }

    /** Sessions that ended because nothing was sent either way for --udp-timeout. */
    public long sessionsExpired() {
        return sessionsClosed(SessionEnd.IDLE);
    }

    public long dropped(Drop why) {
        return dropped.get(why);
    }

    public long dropped() {
        return dropped.total();
    }

    /** Everything that ever waited for a partner, paired or not. */
    public long waitingArrived() {
        return waitingArrived.sum();
    }

    public long unpaired(Unpaired why) {
        return unpaired.get(why);
    }

    /** Connections (or UDP clients) waiting for a partner now. */
    public long unpairedWaiting() {
        return waitingArrived.sum() - waitingPaired.sum() - unpaired.total();
    }

    /** Idle connections (or sockets) the agent holds open toward its relay now. */
    public long agentPooled() {
        return agentPooled.sum();
    }

    /**
     * Waits until {@code condition} holds, re-testing it after each counted event; false if it
     * still does not after {@code timeout}.
     */
    public boolean awaitUntil(Predicate<? super RelayStats> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waiters.incrementAndGet();
        try {
            synchronized (this) {
                while (!condition.test(this)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return true;
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    /**
     * The counter was updated before this reads {@code waiters}, and a waiter counts itself before
     * it tests its condition, so either the waiter sees the update or this sees the waiter.
     */
    private void changed() {
        if (waiters.get() > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    @Override
    public String toString() {
        return "links " + linksOpened() + " opened, closed " + linksClosed + ", bytes " + bytesToTarget()
                + " to target, " + bytesToClient() + " to client; connect failures " + connectFailures()
                + "; sessions " + sessionsOpened() + " opened, closed " + sessionsClosed + "; dropped " + dropped
                + "; refused " + refused + "; waiting " + unpairedWaiting() + ", unpaired " + unpaired + "; pooled " + agentPooled();
    }

    /** One counter per reason. */
    private static final class Counts<E extends Enum<E>> {
        private final Map<E, LongAdder> counts;

        Counts(Class<E> reasons) {
            counts = new EnumMap<>(reasons);
            for (E reason : reasons.getEnumConstants()) {
                counts.put(reason, new LongAdder());
            }
        }

        void add(E reason, long n) {
            counts.get(reason).add(n);
        }

        long get(E reason) {
            return counts.get(reason).sum();
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }

        @Override
        public String toString() {
            StringJoiner parts = new StringJoiner(", ", "{", "}");
            counts.forEach((reason, n) -> parts.add(reason.name().toLowerCase() + " " + n.sum()));
            return parts.toString();
        }
    }
}
