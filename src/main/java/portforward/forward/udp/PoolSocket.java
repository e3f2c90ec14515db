package portforward.forward.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.RelayContext;
import portforward.forward.RelayStats.SessionEnd;
import portforward.forward.Show;
import portforward.hop.secure.udp.SecureDatagramSocket;

/**
 * One socket of the agent's pool, connected to the relay. While idle it knocks; its first
 * datagram turns it into the client side of a {@link UdpSession} toward the target, and
 * everything after goes the same way. Confined to its own event loop.
 */
final class PoolSocket extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger("portforward.udp");

    private final RelayContext context;
    private final EventLoop loop;
    private final Endpoint target;
    private final DropReport drops;
    private final Duration knockInterval;
    private final UdpConnConnect pool;
    private ScheduledFuture<?> knocking;
    private UdpSession session;

    PoolSocket(RelayContext context, EventLoop loop, Endpoint target, DropReport drops, Duration knockInterval,
            UdpConnConnect pool) {
        this.context = context;
        this.loop = loop;
        this.target = target;
        this.drops = drops;
        this.knockInterval = knockInterval;
        this.pool = pool;
    }

    /**
     * Connected: knock now, and again every interval until the first datagram comes. Toward a
     * conn+s relay the secure hop's handshake and keepalives take the knock's place; a relay that
     * does not answer them, or falls silent later, gets the socket replaced.
     */
    void start(Channel channel) {
        context.track(channel);
        if (context.spec().first().isSecure()) {
            context.handshakeTurns().run(loop, () -> SecureDatagramSocket.start(channel, true)).addListener(ready -> {
                context.events().handshake(ready.isSuccess());
                if (!ready.isSuccess() && channel.isOpen()) {
                    pool.failed(channel, ready.cause().getMessage());
                    channel.close();
                }
            });
            return;
        }
        knock(channel);
        long every = knockInterval.toNanos();
        if (!loop.isShuttingDown()) { // a socket that connects as the agent stops has nobody to knock for
            knocking = loop.scheduleAtFixedRate(() -> knock(channel), every, every, TimeUnit.NANOSECONDS);
        }
    }

    private static void knock(Channel channel) {
        channel.writeAndFlush(Knock.create(), channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf datagram = ((DatagramPacket) msg).content();
        if (session == null) {
            Channel channel = ctx.channel();
            stopKnocking();
            pool.answered();
            pool.left(channel);
            session = new UdpSession(context, loop, Peer.connected(channel), target, drops, ended -> {
                if (!channel.eventLoop().isShuttingDown()) {
                    channel.close(); // a loop that is shutting down closes its own channels
                }
            });
            session.fromClient(datagram);
            session.connect();
            return;
        }
        session.fromClient(datagram);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session == null) {
            pool.refused(Show.cause(cause));
        } else {
            context.log(LOG).fine(() -> "socket to relay " + Show.address(ctx.channel().remoteAddress()) + ": " + Show.cause(cause));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SecureDatagramSocket.Silent silent) {
            String why = "relay " + Show.address(ctx.channel().remoteAddress()) + " " + silent.why();
            if (session == null) {
                pool.failed(ctx.channel(), why);
            } else {
                session.end(SessionEnd.SOCKET_CLOSED, "secure hop: " + why);
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopKnocking();
        pool.left(ctx.channel());
        if (session != null) {
            if (context.stopping()) {
                session.end(SessionEnd.SHUTDOWN, "shutdown");
            } else {
                session.end(SessionEnd.SOCKET_CLOSED, "socket to relay closed");
            }
        }
        ctx.fireChannelInactive();
    }

    private void stopKnocking() {
        if (knocking != null) {
            knocking.cancel(false);
        }
    }
}
