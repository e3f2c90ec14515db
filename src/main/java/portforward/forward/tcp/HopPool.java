package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.hop.secure.SecureHop;

/**
 * The dialling end of a secure forward keeps the connections of links that ended cleanly, and
 * gives them to the next clients: like ssh -L's channels of one authenticated connection, a new
 * link then costs no TCP connect and no handshake, only an OPEN. Each event loop keeps its own,
 * because a link's two channels share one loop; each deque is touched by its loop's thread only.
 */
final class HopPool {
    /** Idle connections kept per event loop; more are closed as their links end. */
    static final int IDLE_PER_LOOP = 16;

    private final RelayContext context;
    private final Endpoint target;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    HopPool(RelayContext context, Endpoint target) {
        this.context = context;
        this.target = target;
    }

    /**
     * A secure connection to the target on {@code loop} that has been told to OPEN for
     * {@code client}: an idle one, or a new one once its handshake is done.
     */
    Future<Channel> take(EventLoop loop, SocketAddress client) {
        ArrayDeque<Channel> mine = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
        for (Channel ch = mine.pollFirst(); ch != null; ch = mine.pollFirst()) {
            context.events().pooled(-1);
            if (ch.isActive()) {
                ch.pipeline().remove(IdleWatch.class);
                return opened(ch, client);
            }
        }
        Promise<Channel> done = loop.newPromise();
        Dialer.dial(context, loop, target, true, null).addListener((FutureListener<Channel>) dialed -> {
            if (dialed.isSuccess()) {
                opened(dialed.getNow(), client).addListener((FutureListener<Channel>) f -> done.trySuccess(f.getNow()));
            } else {
                done.tryFailure(dialed.cause());
            }
        });
        return done;
    }

    private Future<Channel> opened(Channel ch, SocketAddress client) {
        Recycling.on(ch, this::recycled);
        SecureHop.open(ch, client);
        return ch.eventLoop().newSucceededFuture(ch);
    }

    /** The link ended cleanly: once the far end says it is idle too, the connection waits here. */
    private void recycled(Channel ch) {
        ch.pipeline().addLast(new IdleWatch());
        ch.config().setAutoRead(true); // heartbeats, and the far end's IDLE
        SecureHop.whenIdle(ch, () -> {
            ArrayDeque<Channel> mine = idle.computeIfAbsent(ch.eventLoop(), l -> new ArrayDeque<>());
            if (ch.isActive() && mine.size() < IDLE_PER_LOOP && !context.stopping()) {
                mine.addLast(ch);
                context.events().pooled(1);
            } else {
                SecureHop.shutdownOutput(ch).addListener(f -> ch.close());
            }
        });
    }

    /** Watches an idle connection: nothing may arrive on it, and a failure (no heartbeat) closes it. */
    private static final class IdleWatch extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
