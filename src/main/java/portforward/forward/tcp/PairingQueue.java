package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.Unpaired;
import portforward.forward.Show;
import portforward.hop.secure.SecureHop;

/**
 * First-come-first-served pairing of connections from two listeners. Every channel of a
 * listen-listen relay lives on one event loop, so the queues need no locks. A waiting
 * connection keeps reading (up to {@link Holding#LIMIT} bytes) so that a client that goes away
 * is noticed and dropped, and what it sent early, FIN included, is delivered after pairing.
 */
final class PairingQueue {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final Duration pairTimeout;
    private final List<Deque<Waiting>> sides = List.of(new ArrayDeque<>(), new ArrayDeque<>());

    PairingQueue(RelayContext context) {
        this.context = context;
        this.pairTimeout = context.spec().pairTimeout();
    }

    /**
     * A connection arrived on listener {@code side} (0 or 1). {@code agentLink}: an agent's pooled
     * link over a secure hop, which is told to dial (OPEN) when it is paired, and needs no pair
     * timeout, as its heartbeats show it is alive.
     */
    void arrived(Channel channel, int side, boolean agentLink) {
        Waiting partner = sides.get(1 - side).pollFirst();
        while (partner != null && !partner.channel.isActive()) {
            partner.take().release();
            context.events().waitingDropped(Unpaired.CLIENT_LEFT);
            partner = sides.get(1 - side).pollFirst();
        }
        if (partner == null) {
            Waiting waiting = new Waiting(channel, side, agentLink);
            sides.get(side).addLast(waiting);
            channel.pipeline().addLast("waiting", waiting);
            channel.config().setAutoRead(true);
            context.events().waiting();
            context.log(LOG).fine(() -> "waiting for a partner: " + Show.address(channel.remoteAddress()));
            return;
        }
        Holding.Held held = partner.take();
        if (partner.agentLink) {
            SecureHop.open(partner.channel, channel.remoteAddress());
        }
        if (agentLink) {
            SecureHop.open(channel, partner.channel.remoteAddress());
        }
        context.events().waitingPaired();
        long id = context.nextLinkId();
        if (side == 1) {
            Link.join(context, id, partner.channel, channel, held, Holding.Held.NOTHING);
        } else {
            Link.join(context, id, channel, partner.channel, Holding.Held.NOTHING, held);
        }
    }

    int waiting(int side) {
        return sides.get(side).size();
    }

    private final class Waiting extends Holding {
        private final Channel channel;
        private final int side;
        private final boolean agentLink;
        private final ScheduledFuture<?> timeout;
        private ChannelHandlerContext ctx;

        Waiting(Channel channel, int side, boolean agentLink) {
            this.channel = channel;
            this.side = side;
            this.agentLink = agentLink;
            this.timeout = agentLink ? null : channel.eventLoop().schedule(
                    () -> drop(Unpaired.NO_PARTNER, "no partner within " + pairTimeout.toMillis() / 1000.0 + " s"),
                    pairTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Leaves the queue for pairing: hands over what was read so far and stops watching. */
        Held take() {
            cancelTimeout();
            return release(ctx);
        }

        private void drop(Unpaired reason, String why) {
            if (!sides.get(side).remove(this)) {
                return;
            }
            cancelTimeout();
            // Without bytes it is most likely an agent's idle pool connection, which the agent renews.
            context.log(LOG).log(holdsBytes() ? Level.INFO : Level.FINE,
                    () -> "waiting connection from " + Show.address(channel.remoteAddress()) + " dropped: " + why);
            context.events().waitingDropped(reason);
            Link.abort(channel); // its held bytes are released as it closes
        }

        /**
         * A FIN after some bytes is a half-closed request (printf ... | nc -N): it waits for its
         * partner. A FIN with nothing sent is a client that connected and left.
         */
        @Override
        void finReceived(ChannelHandlerContext ctx) {
            if (!holdsBytes()) {
                drop(Unpaired.CLIENT_LEFT, "client closed before pairing");
            }
        }

        @Override
        void gone(ChannelHandlerContext ctx, String why) {
            if (context.stopping()) {
                drop(Unpaired.SHUTDOWN, "shutdown");
            } else {
                drop(Unpaired.CLIENT_LEFT, "client " + why + " before pairing");
            }
        }
    }
}
