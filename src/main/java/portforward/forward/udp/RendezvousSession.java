package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One client address on one listener of the rendezvous relay: first waiting for a partner on the
 * other listener (holding what it sends, bounded), then one half of a {@link RendezvousPair}.
 * Confined to the relay's event loop.
 */
final class RendezvousSession {

    /** Where a session's datagrams come from: which listener (0 or 1), and which client address. */
    record Caller(int side, InetSocketAddress address) {
    }

    private final Caller caller;
    private final Peer peer;
    private final DropReport drops;
    private final HeldDatagrams held = new HeldDatagrams();
    private final IdleTimer waiting;
    /** A plain listener's sessions may knock; on a listen+s one keepalives replaced the knock. */
    private final boolean mayKnock;
    private final long arrivedNanos = System.nanoTime();
    private final DropCounts dropped = new DropCounts();
    private RendezvousPair pair;
    /** Opened by a knock: an agent's pool socket, which knocks again until it is paired. */
    private boolean knocking;
    private boolean first = true;

    /** {@code unpaired} runs if no partner comes within --pair-timeout of the last datagram or knock. */
    RendezvousSession(Caller caller, Peer peer, boolean mayKnock, EventLoop loop, Duration pairTimeout, DropReport drops,
            Consumer<RendezvousSession> unpaired) {
        this.mayKnock = mayKnock;
        this.caller = caller;
        this.peer = peer;
        this.drops = drops;
        this.waiting = new IdleTimer(loop, pairTimeout, () -> unpaired.accept(this));
    }

    Caller caller() {
        return caller;
    }

    Peer peer() {
        return peer;
    }

    long arrivedNanos() {
        return arrivedNanos;
    }

    /**
     * A datagram from this client; taken, whatever becomes of it. A session whose first datagram
     * is a lone 0x00 is an agent's pool socket: that and each lone 0x00 it sends until it is paired
     * are knocks, which keep it waiting and go nowhere. Any other session never knocks, and once
     * paired every datagram is data.
     */
    void received(ByteBuf datagram) {
        if (pair != null) {
            pair.forward(this, datagram);
            return;
        }
        waiting.touch();
        knocking |= mayKnock && first && Knock.is(datagram);
        first = false;
        if (knocking && Knock.is(datagram)) {
            datagram.release();
            dropped.add(DropReport.Reason.KNOCK, 1);
        } else if (!held.offer(datagram)) {
            dropped.add(DropReport.Reason.HOLD_FULL, 1);
            drops.count(DropReport.Reason.HOLD_FULL);
        }
    }

    /**
     * A keepalive of the secure hop from this peer: an agent's pool socket still there. It keeps
     * an unpaired session waiting, as a knock does; it is never data, and a pair does not see it.
     */
    void keepalive() {
        first = false;
        if (pair == null) {
            waiting.touch();
        }
    }

    /** Joins {@code pair}: stops waiting and hands over what was held, oldest first. */
    void paired(RendezvousPair pair) {
        this.pair = pair;
        waiting.cancel();
        held.drainTo(datagram -> pair.forward(this, datagram));
    }

    boolean isPaired() {
        return pair != null;
    }

    RendezvousPair pair() {
        return pair;
    }

    /** Datagrams dropped so far: while waiting, and the held ones if it never pairs. */
    DropCounts dropped() {
        return dropped;
    }

    /** Stops waiting for good; what is still held is dropped and counted. */
    void abandon() {
        waiting.cancel();
        int lost = held.discard();
        dropped.add(DropReport.Reason.UNDELIVERED, lost);
        drops.count(DropReport.Reason.UNDELIVERED, lost);
    }
}
