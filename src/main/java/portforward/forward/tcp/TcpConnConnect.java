package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Backoff;
import portforward.forward.Forwarder;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;

/**
 * tcp conn-conn, the agent: keeps a pool of idle connections to SOCK1 (normally a listen-listen
 * relay). The first bytes on one of them dial SOCK2 and join the two, and a replacement is opened
 * at once. The pool's bookkeeping is confined to one event loop; each connection lives on its own.
 */
public final class TcpConnConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");
    /** An idle connection closed sooner than this after connecting counts as a failure. */
    private static final long SHORT_LIVED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RelayContext context;
    private final Endpoint relay;
    private final Endpoint target;
    private final EventLoop poolLoop;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(16));
    private final List<Channel> idle = new ArrayList<>();
    private int connecting;
    private boolean retryScheduled;
    private boolean stopped;

    public TcpConnConnect(RelayContext context) {
        this.context = context;
        this.relay = context.spec().first();
        this.target = context.spec().second();
        this.poolLoop = context.group().next();
    }

    @Override
    public void start() throws StartException {
        LOG.info(() -> "agent keeping " + context.spec().pool() + " connections to " + relay.address()
                + ", forwarding to " + target.address());
        poolLoop.execute(this::fill);
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of();
    }

    @Override
    public Future<?> stop(Duration grace) {
        poolLoop.execute(() -> {
            stopped = true;
            idle.forEach(Channel::close);
            idle.clear();
        });
        return Stopping.stop(context, List.of(), grace);
    }

    private void fill() {
        while (!stopped && !retryScheduled && idle.size() + connecting < context.spec().pool()) {
            connecting++;
            Idle watcher = new Idle();
            Dialer.dial(context, context.group().next(), relay, watcher)
                    .addListener((ChannelFutureListener) f -> onDialed(f, watcher));
        }
    }

    /**
     * Runs on the new channel's loop. The watcher was in the pipeline from the start, so bytes
     * that arrived before this ran were held, and may already have taken the connection.
     */
    private void onDialed(ChannelFuture f, Idle watcher) {
        Channel ch = f.channel();
        boolean stillIdle = f.isSuccess() && watcher.stillIdle();
        if (stillIdle) {
            ch.config().setAutoRead(true);
        }
        poolLoop.execute(() -> {
            connecting--;
            if (!f.isSuccess()) {
                failed(Show.cause(f.cause()));
                return;
            }
            if (stopped) {
                ch.close();
                return;
            }
            backoff.reset();
            if (stillIdle) {
                idle.add(ch); // a later left() for it was queued after this task, from the same loop
            }
            fill();
        });
    }

    private void failed(String cause) {
        if (stopped || retryScheduled) {
            return;
        }
        retryScheduled = true;
        Duration delay = backoff.next();
        LOG.warning(() -> "cannot connect to " + relay.address() + ": " + cause + "; retrying in "
                + Show.seconds(delay.toNanos()));
        poolLoop.schedule(() -> {
            retryScheduled = false;
            fill();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A pool connection left the pool: taken by a client, or closed while idle. */
    private void left(Channel ch, boolean shortLived) {
        poolLoop.execute(() -> {
            if (!idle.remove(ch)) {
                return;
            }
            if (shortLived) {
                failed("closed right after connecting");
            }
            fill();
        });
    }

    /** Watches an idle pool connection; its first bytes dial the target, and are held until joined. */
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
            if (taken) {
                return;
            }
            taken = true;
            Channel in = ctx.channel();
            left(in, false);
            long id = context.nextLinkId();
            Dialer.dial(context, in.eventLoop(), target).addListener((ChannelFutureListener) dialed -> {
                if (!dialed.isSuccess()) {
                    LOG.info(() -> "link " + id + " closed (target " + target.address() + ": "
                            + Show.cause(dialed.cause()) + "): relay side " + Show.address(in.remoteAddress()));
                    TcpListenConnect.abort(in);
                } else if (!in.isActive()) {
                    dialed.channel().close();
                } else {
                    Link.join(context, id, in, dialed.channel(), release(ctx), Held.NOTHING);
                }
            });
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
                LOG.fine(() -> "idle connection to " + relay.address() + " " + why);
                left(ctx.channel(), System.nanoTime() - connectedNanos < SHORT_LIVED_NANOS);
            }
        }
    }
}
