package portforward.forward.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.forward.RelayContext;
import portforward.forward.Show;

/**
 * First-come-first-served pairing of connections from two listeners. Every channel of a
 * listen-listen relay lives on one event loop, so the queues need no locks. A waiting
 * connection keeps reading (up to {@link #HOLD_LIMIT} bytes) so that a client that goes away
 * is noticed and dropped, and what it sent early is delivered after pairing.
 */
final class PairingQueue {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");
    static final int HOLD_LIMIT = 64 * 1024;

    private final RelayContext context;
    private final Duration pairTimeout;
    private final List<Deque<Waiting>> sides = List.of(new ArrayDeque<>(), new ArrayDeque<>());

    PairingQueue(RelayContext context) {
        this.context = context;
        this.pairTimeout = context.spec().pairTimeout();
    }

    /** A connection arrived on listener {@code side} (0 or 1). */
    void arrived(Channel channel, int side) {
        Waiting partner = sides.get(1 - side).pollFirst();
        while (partner != null && !partner.channel.isActive()) {
            partner.release().forEach(ByteBuf::release);
            partner = sides.get(1 - side).pollFirst();
        }
        if (partner == null) {
            Waiting waiting = new Waiting(channel, side);
            sides.get(side).addLast(waiting);
            channel.pipeline().addLast("waiting", waiting);
            channel.config().setAutoRead(true);
            LOG.fine(() -> "waiting for a partner: " + Show.address(channel.remoteAddress()));
            return;
        }
        List<ByteBuf> held = partner.release();
        long id = context.nextLinkId();
        if (side == 1) {
            Link.join(context, id, partner.channel, channel, held, List.of());
        } else {
            Link.join(context, id, channel, partner.channel, List.of(), held);
        }
    }

    int waiting(int side) {
        return sides.get(side).size();
    }

    private final class Waiting extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final int side;
        private final List<ByteBuf> held = new ArrayList<>();
        private final ScheduledFuture<?> timeout;
        private int heldBytes;

        Waiting(Channel channel, int side) {
            this.channel = channel;
            this.side = side;
            this.timeout = channel.eventLoop().schedule(
                    () -> drop("no partner within " + pairTimeout.toMillis() / 1000.0 + " s"),
                    pairTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Leaves the queue for pairing: hands over what was read so far and stops watching. */
        List<ByteBuf> release() {
            timeout.cancel(false);
            channel.config().setAutoRead(false);
            channel.pipeline().remove(this);
            return held;
        }

        private void drop(String why) {
            if (!sides.get(side).remove(this)) {
                return;
            }
            timeout.cancel(false);
            held.forEach(ByteBuf::release);
            held.clear();
            LOG.info(() -> "waiting connection from " + Show.address(channel.remoteAddress()) + " dropped: " + why);
            TcpListenConnect.abort(channel);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            held.add(buf);
            heldBytes += buf.readableBytes();
            if (heldBytes >= HOLD_LIMIT) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                drop("client closed before pairing");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            drop("client error before pairing: " + Show.cause(cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            drop(context.stopping() ? "shutdown" : "client closed before pairing");
            ctx.fireChannelInactive();
        }
    }
}
