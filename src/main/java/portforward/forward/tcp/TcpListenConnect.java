package portforward.forward.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import portforward.endpoint.Endpoint;
import portforward.forward.Forwarder;
import portforward.forward.Listeners;
import portforward.forward.RelayContext;
import portforward.forward.Show;
import portforward.forward.StartException;
import portforward.hop.secure.SecureHop;
import portforward.hop.secure.Strangers;

/** tcp listen-conn: every accepted connection gets its own new connection to the target. */
public final class TcpListenConnect implements Forwarder {
    private static final Logger LOG = Logger.getLogger("portforward.tcp");

    private final RelayContext context;
    private final Endpoint listen;
    private final Endpoint target;
    private final Joining joining;
    private Channel server;

    public TcpListenConnect(RelayContext context, Endpoint listen, Endpoint target) {
        this.context = context;
        this.listen = listen;
        this.target = target;
        // Clients of a +s listener are portforwards, not the SOCKS clients themselves: no UDP for them.
        this.joining = Joining.to(context, target, !listen.isSecure());
    }

    @Override
    public void start() throws StartException {
        server = Listeners.bindTcp(context, listen, context.group(), dialOnAccept());
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LOG.info(() -> "listening on tcp " + Show.address(bound) + ", "
                + (target.isSocks() ? "answering SOCKS clients" : "forwarding to " + target.address()));
        if (target.isSocks() && context.spec().socks().isOpen() && !bound.getAddress().isLoopbackAddress()) {
            LOG.warning(() -> "socks on " + Show.address(bound) + " is an open proxy: anyone who reaches it can reach"
                    + " whatever this host can; give --socks-auth FILE and/or --allow CIDR");
        }
    }

    @Override
    public List<InetSocketAddress> boundAddresses() {
        return List.of((InetSocketAddress) server.localAddress());
    }

    @Override
    public Future<?> stop(Duration grace) {
        return Stopping.stop(context, List.of(server), grace);
    }

    private ChannelInitializer<Channel> dialOnAccept() {
        Strangers strangers = listen.isSecure() ? new Strangers(listen.toString()) : null;
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                Dialling dialling = new Dialling();
                ch.pipeline().addLast("holding", dialling);
                if (strangers != null) {
                    SecureHop.respond(ch, context.hop(), strangers).addListener(ready -> {
                        if (ready.isSuccess()) {
                            dialling.start();
                        }
                    });
                }
            }
        };
    }

    /**
     * Holds what the client sends while its target is dialled; accepting never waits for this.
     * Over a secure hop, dialling starts once the peer has proved the secret.
     */
    private final class Dialling extends Holding {
        private ChannelHandlerContext ctx;

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

        void start() {
            ctx.channel().config().setAutoRead(true);
            joining.start(this, ctx, "client");
        }
    }
}
