package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Agent;
import portforward.forward.AgentPool;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.Opened;

/**
 * tcp conn-conn, the agent: keeps a pool of idle connections to SOCK1 (normally a listen-listen
 * relay). The first bytes on one of them dial SOCK2 and join the two, and a replacement is opened
 * at once, by the {@link AgentPool}.
 */
public final class TcpConnConnect implements Agent {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");
    /** An idle connection closed sooner than this after connecting counts as a failure. */
    private static final long SHORT_LIVED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RelayContext context;
    private final Endpoint relay;
    private final Endpoint target;
    private final Joining joining;
    private final AgentPool pool;

    public TcpConnConnect(RelayContext context) {
        this.context = context;
        this.relay = context.spec().first();
        this.target = context.spec().second();
        this.joining = Joining.to(context, target, false);
        this.pool = new AgentPool(context, LOG, "cannot connect to " + relay.address());
    }

    @Override
    public void start() throws StartException {
        context.log(LOG).info(() -> "agent keeping " + Show.count(context.spec().pool(), "connection") + " to " + relay.address()
                + (target.isSocks() ? ", answering SOCKS clients of the relay" : ", forwarding to " + target.address()));
        pool.start(this::open);
    }

    @Override
    public Future<?> stopListening() {
        pool.stop();
        return context.group().next().newSucceededFuture(null);
    }

    @Override
    public Future<?> stop(Duration grace) {
        pool.stop();
        return Stopping.stop(context, List.of(), grace);
    }

    /**
     * The watcher is in the pipeline from the start, so bytes that arrive before the connect
     * listener runs are held, and may already have taken the connection.
     */
    private void open() {
        if (context.stopping()) {
            return; // a socket opened now would register on a loop that is shutting down
        }
        Idle watcher = new Idle();
        Dialer.dial(context, context.group().next(), relay, relay.isSecure(), watcher)
                .addListener((FutureListener<Channel>) f -> {
                    boolean stillIdle = f.isSuccess() && watcher.stillIdle();
                    if (stillIdle) {
                        f.getNow().config().setAutoRead(true);
                    }
                    pool.opened(f, stillIdle);
                });
    }

    /**
     * Watches an idle pool connection. It is taken by the relay's OPEN over a secure hop, or by its
     * first bytes over a plain one; either dials the target at once, and bytes are held until joined.
     */
    private final class Idle extends Holding {
        private final long connectedNanos = System.nanoTime();
        private boolean taken;
        private boolean gone;

        boolean stillIdle() {
            return !taken && !gone;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            super.channelRead(ctx, msg);
            take(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Opened) {
                take(ctx);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        private void take(ChannelHandlerContext ctx) {
            if (taken) {
                return;
            }
            taken = true;
            pool.left(ctx.channel(), null);
            joining.start(this, ctx, "relay side");
        }

        @Override
        void finReceived(ChannelHandlerContext ctx) {
            if (!taken) {
                ctx.close();
            }
        }

        @Override
        void gone(ChannelHandlerContext ctx, String why) {
            gone = true;
            if (!taken) {
                context.log(LOG).fine(() -> "idle connection to " + relay.address() + " " + why);
                pool.left(ctx.channel(),
                        System.nanoTime() - connectedNanos < SHORT_LIVED_NANOS ? "closed right after connecting" : null);
            }
        }
    }
}
