package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.Listeners;
import portforward.forward.LogEvent;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.ClientAddress;
import portforward.hop.secure.HopReady;
import portforward.hop.secure.Opened;
import portforward.hop.secure.SecureHop;
import portforward.hop.secure.Strangers;

/** tcp listen-conn: every accepted connection gets its own new connection to the target. */
public final class TcpListenConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final Endpoint listen;
    private final Endpoint target;
    private final Optional<Strangers> strangers;
    private final Joining joining;
    private Channel server;

    public TcpListenConnect(RelayContext context, Endpoint listen, Endpoint target) {
        this.context = context;
        this.listen = listen;
        this.target = target;
        this.strangers = listen.isSecure() ? Optional.of(new Strangers(listen.toString(), context.log(Strangers.LOG))) : Optional.empty();
        // Clients of a +s listener are portforwards, not the SOCKS clients themselves: no UDP for them.
        // A secure target is reached through the connections of earlier links where one is kept.
        if (target.isSecure()) {
            HopPool pool = new HopPool(context, target);
            this.joining = Joining.to(context, target, !listen.isSecure(), in -> pool.take(in.eventLoop(),
                    ClientAddress.of(in).client()));
        } else {
            this.joining = Joining.to(context, target, !listen.isSecure());
        }
    }

    @Override
    public void start() throws StartException {
        server = Listeners.bindTcp(context, listen, context.group(), dialOnAccept());
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LogEvent.info(context.log(LOG), "listening", () -> Map.of("protocol", "tcp", "address", Show.address(bound),
                "target", target.isSocks() ? "socks" : target.address()), () -> "listening on tcp " + Show.address(bound) + ", "
                + (target.isSocks() ? "answering SOCKS clients" : "forwarding to " + target.address()));
        if (target.isSocks() && context.spec().socks().isOpen() && !bound.getAddress().isLoopbackAddress()) {
            context.log(LOG).warning(() -> "socks on " + Show.address(bound) + " is an open proxy: anyone who reaches it can reach"
                    + " whatever this host can; give --socks-auth FILE and/or --allow CIDR");
        }
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) server.localAddress());
    }

    /** The refusals and acceptances of a {@code listen+s} endpoint; empty for a plain one. */
    public Optional<Strangers> strangers() {
        return strangers;
    }

    @Override
    public List<Strangers> secureListeners() {
        return strangers.stream().toList();
    }

    @Override
    public Future<?> stopListening() {
        return server.close();
    }

    @Override
    public Future<?> stop(Duration grace) {
        return Stopping.stop(context, List.of(server), grace);
    }

    private ChannelInitializer<Channel> dialOnAccept() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Dialling dialling = new Dialling(false);
                ch.pipeline().addLast("holding", dialling);
                if (strangers.isPresent()) {
                    SecureHop.respond(ch, context.hop(), strangers.get()).addListener((FutureListener<HopReady>) ready -> {
                        if (ready.isSuccess()) {
                            dialling.ready(ready.getNow().agentLink());
                        }
                    });
                }
            }
        };
    }

    /**
     * Holds what the client sends while its target is dialled; accepting never waits for this.
     * Over a secure hop, dialling starts once the peer has proved the secret, and for a peer
     * that keeps its connections for more links (a secure forward's pool, an agent), at OPEN;
     * such a connection waits for the next OPEN when its link has ended cleanly.
     */
    private final class Dialling extends Holding {
        private boolean waitsForOpen;
        private boolean started;
        private ChannelHandlerContext ctx;

        /** {@code reused}: a kept secure connection, which waits for the next OPEN. */
        Dialling(boolean reused) {
            this.waitsForOpen = reused;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!listen.isSecure()) {
                start();
            }
            ctx.fireChannelActive();
        }

        void ready(boolean keptForMoreLinks) {
            waitsForOpen = keptForMoreLinks;
            ctx.channel().config().setAutoRead(true);
            if (!waitsForOpen) {
                start();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            super.channelRead(ctx, msg);
            if (waitsForOpen) {
                start(); // bytes without OPEN: a peer that does not pool; serve it all the same
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Opened && waitsForOpen) {
                start();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        private void start() {
            if (started) {
                return;
            }
            started = true;
            Channel in = ctx.channel();
            in.config().setAutoRead(true);
            if (waitsForOpen) {
                Recycling.on(in, this::recycled);
            }
            joining.start(this, ctx, "client");
        }

        /** The link ended cleanly both ways: wait for the next OPEN on the same connection. */
        private void recycled(Channel ch) {
            ch.pipeline().addLast("holding", new Dialling(true));
            ch.config().setAutoRead(true);
            SecureHop.idle(ch);
        }
    }
}
