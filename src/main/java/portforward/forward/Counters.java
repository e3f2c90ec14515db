package portforward.forward;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a forward has carried so far, for the SIGUSR1 summary. Links and sessions add their bytes
 * when they close (no counting per read), so the byte totals are those of closed links and
 * sessions. Any event loop may add; LongAdder keeps that cheap.
 */
public final class Counters {
    private final LongAdder linksOpened = new LongAdder();
    private final LongAdder linksClosed = new LongAdder();
    private final LongAdder sessionsOpened = new LongAdder();
    private final LongAdder sessionsClosed = new LongAdder();
    private final LongAdder bytesForward = new LongAdder();
    private final LongAdder bytesBack = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public void linkOpened() {
        linksOpened.increment();
    }

    /** {@code forward}: from the side that was there first (the client, or listener 1) to the other. */
    public void linkClosed(long forward, long back) {
        linksClosed.increment();
        bytesForward.add(forward);
        bytesBack.add(back);
    }

    public void sessionOpened() {
        sessionsOpened.increment();
    }

    public void sessionClosed(long forward, long back) {
        sessionsClosed.increment();
        bytesForward.add(forward);
        bytesBack.add(back);
    }

    public void dropped(long datagrams) {
        dropped.add(datagrams);
    }

    /** "2 links open, 15 closed; closed ones carried 1.2 MiB forward, 30.0 MiB back". */
    public String summary(boolean udp) {
        long closed = udp ? sessionsClosed.sum() : linksClosed.sum();
        long open = (udp ? sessionsOpened.sum() : linksOpened.sum()) - closed;
        return Show.count(open, udp ? "session" : "link") + " open, " + closed + " closed; closed ones carried "
                + Show.bytes(bytesForward.sum()) + " forward, " + Show.bytes(bytesBack.sum()) + " back"
                + (udp ? "; " + Show.count(dropped.sum(), "datagram") + " dropped" : "");
    }
}
