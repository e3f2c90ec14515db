package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Logger;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.Show;

/**
 * Two rendezvous sessions, one per listener, joined: what either client sends goes to the other
 * through the other's listener. The pair ends after --udp-timeout without a datagram either way.
 */
final class RendezvousPair {
    private static final Logger LOG = Logger.getLogger("portforward.udp");

    private final long id;
    private final RelayStats events;
    private final RendezvousSession a;
    private final RendezvousSession b;
    private final DropReport drops;
    private final Consumer<RendezvousPair> onEnd;
    private final Traffic traffic = new Traffic();
    private final IdleTimer idle;
    private final long startNanos = System.nanoTime();
    private boolean ended;

    private final Logger log;

    private RendezvousPair(RelayContext context, EventLoop loop, RendezvousSession a, RendezvousSession b,
            DropReport drops, Consumer<RendezvousPair> onEnd) {
        this.id = context.nextLinkId();
        this.log = context.log(LOG);
        this.events = context.events();
        this.a = a;
        this.b = b;
        this.drops = drops;
        this.onEnd = onEnd;
        Duration timeout = context.spec().udpTimeout();
        this.idle = new IdleTimer(loop, timeout, () -> end(SessionEnd.IDLE, "idle for " + IdleTimer.describe(timeout)));
    }

    /** Pairs {@code first} (from listener 0) with {@code second} (listener 1) and delivers what they held. */
    static RendezvousPair join(RelayContext context, EventLoop loop, RendezvousSession first,
            RendezvousSession second, DropReport drops, Consumer<RendezvousPair> onEnd) {
        RendezvousPair pair = new RendezvousPair(context, loop, first, second, drops, onEnd);
        context.log(LOG).info(() -> "session " + pair.id + " open: " + Show.address(first.peer().address()) + " <-> "
                + Show.address(second.peer().address()));
        context.events().sessionOpened();
        first.paired(pair);
        second.paired(pair);
        return pair;
    }

    RendezvousSession first() {
        return a;
    }

    RendezvousSession second() {
        return b;
    }

    /** A datagram from {@code from}, one of the two; taken, whatever becomes of it. */
    void forward(RendezvousSession from, ByteBuf datagram) {
        idle.touch();
        boolean toB = from == a;
        traffic.send(datagram, (toB ? b : a).peer(), toB, drops);
    }

    /** Ends the pair once; both sessions leave the table. */
    void end(SessionEnd why, String reason) {
        if (ended) {
            return;
        }
        ended = true;
        idle.cancel();
        traffic.droppedBefore(a.dropped());
        traffic.droppedBefore(b.dropped());
        onEnd.accept(this);
        long nanos = System.nanoTime() - startNanos;
        log.info(() -> "session " + id + " closed (" + reason + ") after " + Show.seconds(nanos) + ": "
                + traffic.describe(Show.address(a.peer().address()), Show.address(b.peer().address())));
        traffic.closed(events, why);
    }
}
